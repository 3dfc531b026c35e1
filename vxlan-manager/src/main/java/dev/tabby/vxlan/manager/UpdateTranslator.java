package dev.tabby.vxlan.manager;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns the syncer's raw etcd changes into {@link VxlanUpdate}s: decodes the value, and names what it is. Blocks are
 * read with {@link RoutableBlock#read}, a streaming parser that keeps only what routing needs (cidr, affinity,
 * allocations and each attribute's node), so a thousand blocks decode in a fraction of the time the full
 * {@code IpamJson.decodeBlock} takes. A value that
 * does not decode counts as gone (it is logged): programming half-understood state would be worse.
 */
public final class UpdateTranslator {
    private static final Logger LOG = Logger.getLogger(UpdateTranslator.class);

    static final String POOLS = ResourceStore.prefix(Kind.IP_POOL, null);
    static final String NODES = ResourceStore.prefix(Kind.NODE, null);
    static final String FELIX = ResourceStore.prefix(Kind.FELIX_CONFIGURATION, null);
    static final String BLOCKS = IpamKeys.blockPrefix(4);

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
            return Optional.of(new VxlanUpdate.NodeChanged(name, decode(u, Kind.NODE, Node.class)));
        }
        if (key.startsWith(FELIX)) {
            String name = key.substring(FELIX.length());
            return Optional.of(new VxlanUpdate.FelixConfigChanged(name,
                    decode(u, Kind.FELIX_CONFIGURATION, FelixConfiguration.class)));
        }
        if (key.startsWith(BLOCKS)) {
            Optional<Cidr> cidr = IpamKeys.parseBlock(key);
            if (cidr.isEmpty()) {
                LOG.warnf("event=unreadable_key key=%s problem=\"not a block key\"", key);
                return Optional.empty();
            }
            RoutableBlock routable = null;
            if (!u.isDelete()) {
                try {
                    routable = RoutableBlock.read(u.value(), cidr.get()).orElse(null);
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("event=unreadable_block key=%s problem=\"%s\" action=treated_as_gone", key, e.getMessage());
                }
            }
            return Optional.of(new VxlanUpdate.BlockChanged(cidr.get(), routable));
        }
        return Optional.empty(); // IPv6 blocks and anything else under the watched prefixes
    }

    private static <T> T decode(Update u, Kind kind, Class<T> type) {
        if (u.isDelete()) {
            return null;
        }
        try {
            return type.cast(ResourceCodec.fromStoredValue(kind, u.value(), u.modRevision(), u.key()));
        } catch (RuntimeException e) {
            LOG.warnf("event=unreadable_resource key=%s problem=\"%s\" action=treated_as_gone", u.key(), e.getMessage());
            return null;
        }
    }
}
