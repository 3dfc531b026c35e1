package dev.tabby.ipip.manager;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.datastore.syncer.ResourceUpdates;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipam.routes.BlockUpdate;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.ipip.plan.IpipNode;
import dev.tabby.model.v3.NodeRoutingFields;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Turns the syncer's raw etcd changes into {@link IpipUpdate}s, on the syncer's (decoding) threads. Blocks are read
 * with {@link BlockUpdate} (only what routing needs), Nodes with {@link NodeRoutingFields} (only the fields routing
 * uses, each checked as the full codec checks it, so a bad one is refused with the same message) and parsed into
 * {@link IpipNode} here, so that the apply thread only stores them. A resource that does not decode counts as gone
 * (and is logged): programming half-understood state would be worse.
 */
public final class UpdateTranslator {
    static final String POOLS = ResourceStore.prefix(Kind.IP_POOL, null);
    static final String NODES = ResourceStore.prefix(Kind.NODE, null);
    static final String FELIX = ResourceStore.prefix(Kind.FELIX_CONFIGURATION, null);
    static final String BLOCKS = BlockUpdate.PREFIX;

    private UpdateTranslator() {
    }

    /** The etcd prefixes ipip-manager watches: this node's route claim, not every node's. */
    public static List<String> prefixes(String node) {
        return List.of(POOLS, NODES, FELIX, IpamKeys.BLOCKS, RouteClaims.of(node));
    }

    /** Whether the key is an IPPool's. */
    public static boolean isPool(String key) {
        return key.startsWith(POOLS);
    }

    public static Optional<IpipUpdate> translate(Update u) {
        String key = u.key();
        if (key.startsWith(RouteClaims.PREFIX)) {
            String node = key.substring(RouteClaims.PREFIX.length());
            return Optional.of(new IpipUpdate.ClaimChanged(node,
                    u.isDelete() ? null : new String(u.value(), StandardCharsets.UTF_8)));
        }
        if (key.startsWith(POOLS)) {
            return Optional.of(new IpipUpdate.PoolChanged(key.substring(POOLS.length()), decode(u, Kind.IP_POOL, IPPool.class)));
        }
        if (key.startsWith(NODES)) {
            NodeRoutingFields node = ResourceUpdates.readOrGone(u, NodeRoutingFields::read);
            return Optional.of(new IpipUpdate.NodeChanged(key.substring(NODES.length()),
                    node == null ? null : IpipNode.of(node)));
        }
        if (key.startsWith(FELIX)) {
            return Optional.of(new IpipUpdate.FelixConfigChanged(key.substring(FELIX.length()),
                    decode(u, Kind.FELIX_CONFIGURATION, FelixConfiguration.class)));
        }
        if (key.startsWith(BLOCKS)) {
            return BlockUpdate.of(u).map(b -> new IpipUpdate.BlockChanged(b.block(), b.routable()));
        }
        return Optional.empty();
    }

    /** As {@link ResourceUpdates#decodeOrGone}: null when deleted, or (logged alike) when the value does not read. */
    private static <T> T decode(Update u, Kind kind, Class<T> type) {
        return ResourceUpdates.decodeOrGone(u, kind, type);
    }
}
