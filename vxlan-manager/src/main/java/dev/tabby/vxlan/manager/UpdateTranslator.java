package dev.tabby.vxlan.manager;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.syncer.ResourceUpdates;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipam.routes.BlockUpdate;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.NodeRoutingFields;
import dev.tabby.vxlan.plan.NodeFacts;
import java.util.List;
import java.util.Optional;

/**
 * Turns the syncer's raw etcd changes into {@link VxlanUpdate}s: decodes the value, and names what it is. Blocks are
 * read with {@link BlockUpdate}, a streaming parser that keeps only what routing needs (cidr, affinity, allocations and
 * each attribute's node), so a thousand blocks decode in a fraction of the time the full {@code IpamJson.decodeBlock}
 * takes; Nodes likewise with {@link NodeRoutingFields}, which reads and checks only the fields routing uses (a bad
 * one is refused with the same message the full codec gives). A value that does not decode counts as gone (it is
 * logged): programming half-understood state would be worse.
 */
public final class UpdateTranslator {
    static final String POOLS = ResourceStore.prefix(Kind.IP_POOL, null);
    static final String NODES = ResourceStore.prefix(Kind.NODE, null);
    static final String FELIX = ResourceStore.prefix(Kind.FELIX_CONFIGURATION, null);
    static final String BLOCKS = BlockUpdate.PREFIX;

    private UpdateTranslator() {
    }

    /** The etcd prefixes the VXLAN manager watches. */
    public static List<String> prefixes() {
        return List.of(POOLS, NODES, FELIX, IpamKeys.BLOCKS);
    }

    /** Whether the key is an IPPool's. */
    public static boolean isPool(String key) {
        return key.startsWith(POOLS);
    }

    public static Optional<VxlanUpdate> translate(Update u) {
        String key = u.key();
        if (key.startsWith(POOLS)) {
            String name = key.substring(POOLS.length());
            return Optional.of(new VxlanUpdate.PoolChanged(name, decode(u, Kind.IP_POOL, IPPool.class)));
        }
        if (key.startsWith(NODES)) {
            String name = key.substring(NODES.length());
            // Only the fields routing needs, read and checked straight from the value, and parsed here, on the
            // decoding threads, so that the apply thread only stores them.
            NodeRoutingFields node = ResourceUpdates.readOrGone(u, NodeRoutingFields::read);
            return Optional.of(new VxlanUpdate.NodeChanged(name, node == null ? null : NodeFacts.of(node)));
        }
        if (key.startsWith(FELIX)) {
            String name = key.substring(FELIX.length());
            return Optional.of(new VxlanUpdate.FelixConfigChanged(name,
                    decode(u, Kind.FELIX_CONFIGURATION, FelixConfiguration.class)));
        }
        if (key.startsWith(BLOCKS)) {
            return BlockUpdate.of(u).map(b -> new VxlanUpdate.BlockChanged(b.block(), b.routable()));
        }
        return Optional.empty(); // IPv6 blocks and anything else under the watched prefixes
    }

    /** As {@link ResourceUpdates#decodeOrGone}: null when deleted, or (logged) when the value does not read. */
    private static <T> T decode(Update u, Kind kind, Class<T> type) {
        return ResourceUpdates.decodeOrGone(u, kind, type);
    }
}
