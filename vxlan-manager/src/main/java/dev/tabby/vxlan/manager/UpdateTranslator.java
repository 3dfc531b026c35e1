package dev.tabby.vxlan.manager;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamKeys;
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
 * Turns the syncer's raw etcd changes into {@link VxlanUpdate}s: decodes the value, and names what it is. A value that
 * does not decode counts as gone (it is logged): programming half-understood state would be worse.
 */
public final class UpdateTranslator {
    private static final Logger LOG = Logger.getLogger(UpdateTranslator.class);

    static final String POOLS = ResourceStore.prefix(Kind.IP_POOL, null);
    static final String NODES = ResourceStore.prefix(Kind.NODE, null);
    static final String FELIX = ResourceStore.prefix(Kind.FELIX_CONFIGURATION, null);
    static final String BLOCKS = IpamKeys.blockPrefix(4);
    private static final JsonFactory JSON = new JsonFactory();

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
            String host = null;
            if (!u.isDelete()) {
                try {
                    host = blockHost(u.value());
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("event=unreadable_block key=%s problem=\"%s\" action=treated_as_gone", key, e.getMessage());
                }
            }
            return Optional.of(new VxlanUpdate.BlockChanged(cidr.get(), host));
        }
        return Optional.empty(); // IPv6 blocks and anything else under the watched prefixes
    }

    /**
     * The node a block is affine to, read from the block's JSON without decoding its allocations: only its
     * {@code affinity} ({@code host:<node>}), the pre-v3 {@code hostAffinity} and {@code deleted} matter here, and a
     * thousand blocks decode in a fraction of the time {@code IpamJson.decodeBlock} takes.
     */
    static String blockHost(byte[] value) throws IOException {
        String affinity = null;
        String legacy = null;
        boolean deleted = false;
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a block is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "affinity" -> affinity = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "hostAffinity" -> legacy = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "deleted" -> deleted = t == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
        }
        if (deleted) {
            return null;
        }
        if (affinity == null && legacy != null && !legacy.isEmpty()) {
            return legacy;
        }
        return affinity != null && affinity.startsWith(AllocationBlock.AFFINITY_PREFIX)
                ? affinity.substring(AllocationBlock.AFFINITY_PREFIX.length()) : null;
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
