package dev.tabby.vxlan.service;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.testing.TestNamespace;
import dev.tabby.vxlan.testing.Resources;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the service needs under test: a real etcd holding a VXLAN pool, this node and one remote node with a block,
 * and a network namespace (with the node's address on eth0) for the service to program.
 */
public class VxlanServiceResource implements QuarkusTestResourceLifecycleManager {
    static final String NODE = "svc-node";
    static final String REMOTE = "svc-remote";
    static final String REMOTE_BLOCK = "10.65.7.0/26";

    private Path dir;
    private LocalEtcd etcd;
    private TestNamespace ns;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("tabby-vxlan-service-");
            lastDir = dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        etcd = LocalEtcd.start(dir.resolve("etcd"));
        ns = TestNamespace.create();
        lastNs = ns;
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        ns.ip("addr", "add", "10.250.9.1/24", "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
        ns.ip("link", "set", "eth0p", "up");
        try (KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            ResourceStore resources = new ResourceStore(kv);
            resources.create(Resources.pool("vxlan-pool", "10.65.0.0/16", "Always"));
            resources.create(Resources.node(NODE, "10.250.9.1/24", null, null));
            resources.create(Resources.node(REMOTE, "10.250.9.2/24", "10.65.7.0", null));
            Cidr block = Cidr.parse(REMOTE_BLOCK);
            kv.put(IpamKeys.block(block), IpamJson.encode(AllocationBlock.create(block, REMOTE)));
        }
        return Map.of("TABBY_ETCD_ENDPOINTS", etcd.endpoint().toString(),
                "tabby.vxlan.node", NODE,
                TestNetlinkProducer.NETNS_PROPERTY, ns.path().toString(),
                // Never the host's /var/lib/tabby/mtu.
                "tabby.vxlan.mtu-file", mtuFile(dir).toString(),
                "tabby.vxlan.resync-interval", "5s");
    }

    /** Where the service under test publishes the MTU: inside the resource's temporary directory. */
    static Path mtuFile(Path dir) {
        return dir.resolve("var-lib-tabby").resolve("mtu");
    }

    static Path lastDir;

    /** The namespace the service under test programs, for tests that change its kernel behind the service's back. */
    static TestNamespace lastNs;

    @Override
    public void stop() {
        if (ns != null) {
            ns.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        EtcdExtension.deleteRecursively(dir);
    }
}
