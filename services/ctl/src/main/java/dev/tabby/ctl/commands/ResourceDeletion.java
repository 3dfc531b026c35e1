package dev.tabby.ctl.commands;

import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.NodeRemoval;
import dev.tabby.ipam.PoolRemoval;

/**
 * calicoctl deletes through Calico's client, which takes a Node's and an IPPool's dependents with them
 * (libcalico-go release-v3.18 lib/clientv3/node.go and ippool.go Delete); every other kind is deleted alone.
 */
final class ResourceDeletion {
    private ResourceDeletion() {
    }

    static void delete(Connection.Session session, ResourceId id, String resourceVersion) {
        switch (id.kind()) {
            case NODE -> new NodeRemoval(session.store(), new Ipam(session.kv())).delete(id.name(), resourceVersion);
            case IP_POOL -> new PoolRemoval(session.kv(), session.store(), new Ipam(session.kv()))
                    .delete(id.name(), resourceVersion);
            default -> session.store().delete(id, resourceVersion);
        }
    }
}
