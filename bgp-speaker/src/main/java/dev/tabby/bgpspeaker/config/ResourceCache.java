package dev.tabby.bgpspeaker.config;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The decoded resources under the prefixes the BGP configuration of one node depends on, keyed by etcd key, fed by
 * the syncer's updates. A value that does not decode is logged with its key and reason and counts as absent: Calico's
 * etcdv3 backend skips a value it cannot parse when it lists, so confd never sees it either. Not thread-safe: the
 * caller serialises access.
 */
final class ResourceCache {
    private static final Logger LOG = Logger.getLogger(ResourceCache.class);

    static final String CONFIGS = ResourceStore.prefix(Kind.BGP_CONFIGURATION, null);
    static final String NODES = ResourceStore.prefix(Kind.NODE, null);
    static final String PEERS = ResourceStore.prefix(Kind.BGP_PEER, null);
    static final String POOLS = ResourceStore.prefix(Kind.IP_POOL, null);
    static final String WORKLOADS = ResourceStore.prefix(Kind.WORKLOAD_ENDPOINT, null);

    private final String node;
    private final String affinities;
    private final Map<String, BGPConfiguration> configs = new HashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, BGPPeer> peers = new HashMap<>();
    private final Map<String, IPPool> pools = new HashMap<>();
    private final Map<String, HostAffinity> blocks = new HashMap<>();
    private final Map<String, WorkloadEndpoint> workloads = new HashMap<>();

    ResourceCache(String node) {
        this.node = node;
        this.affinities = IpamKeys.affinityPrefix(node, 0);
    }

    /**
     * What to watch: the five resource kinds, and this node's block affinities only (libcalico-go bgpsyncer lists
     * BlockAffinities with Host set to the node).
     */
    List<String> prefixes() {
        return List.of(CONFIGS, NODES, PEERS, POOLS, WORKLOADS, affinities);
    }

    /** Applies one change; true when the key is one this cache keeps. */
    boolean apply(Update u) {
        String key = u.key();
        if (key.startsWith(CONFIGS)) {
            put(configs, u, Kind.BGP_CONFIGURATION, BGPConfiguration.class);
        } else if (key.startsWith(NODES)) {
            put(nodes, u, Kind.NODE, Node.class);
        } else if (key.startsWith(PEERS)) {
            put(peers, u, Kind.BGP_PEER, BGPPeer.class);
        } else if (key.startsWith(POOLS)) {
            put(pools, u, Kind.IP_POOL, IPPool.class);
        } else if (key.startsWith(WORKLOADS)) {
            WorkloadEndpoint w = decode(u, Kind.WORKLOAD_ENDPOINT, WorkloadEndpoint.class);
            // Only this node's endpoints matter; the others are not kept.
            if (w != null && w.spec() != null && node.equals(w.spec().node())) {
                workloads.put(key, w);
            } else {
                workloads.remove(key);
            }
        } else if (key.startsWith(affinities)) {
            HostAffinity a = affinity(u);
            if (a == null) {
                blocks.remove(key);
            } else {
                blocks.put(key, a);
            }
        } else {
            return false;
        }
        return true;
    }

    DatastoreSnapshot snapshot() {
        Map<String, BGPConfiguration> byName = new HashMap<>();
        configs.values().forEach(c -> byName.put(c.name(), c));
        return new DatastoreSnapshot(byName, List.copyOf(nodes.values()), List.copyOf(peers.values()),
                List.copyOf(pools.values()), List.copyOf(blocks.values()), List.copyOf(workloads.values()));
    }

    private static <T extends Resource> void put(Map<String, T> into, Update u, Kind kind, Class<T> type) {
        T r = decode(u, kind, type);
        if (r == null) {
            into.remove(u.key());
        } else {
            into.put(u.key(), r);
        }
    }

    private static <T extends Resource> T decode(Update u, Kind kind, Class<T> type) {
        if (u.isDelete()) {
            return null;
        }
        try {
            // Read as Calico's backend reads: leniently, with no validation on read.
            return type.cast(ResourceCodec.readStored(kind, u.value(), u.modRevision(), u.key()).resource());
        } catch (RuntimeException e) {
            LOG.warnf("event=unreadable_resource key=%s problem=\"%s\" action=ignored", u.key(),
                    oneLine(e.getMessage()));
            return null;
        }
    }

    private HostAffinity affinity(Update u) {
        if (u.isDelete()) {
            return null;
        }
        Optional<IpamKeys.AffinityKey> key = IpamKeys.parseAffinity(u.key());
        if (key.isEmpty()) {
            LOG.warnf("event=unreadable_key key=%s problem=\"not a block affinity key\" action=ignored", u.key());
            return null;
        }
        try {
            BlockAffinity a = IpamJson.decodeAffinity(u.key(), u.value());
            return new HostAffinity(key.get().node(), key.get().cidr(), a.state().text(), a.deleted());
        } catch (RuntimeException e) {
            LOG.warnf("event=unreadable_affinity key=%s problem=\"%s\" action=ignored", u.key(),
                    oneLine(e.getMessage()));
            return null;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('"', '\'');
    }
}
