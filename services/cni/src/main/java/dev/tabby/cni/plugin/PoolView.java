package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.Pool;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The IP pools as one ADD sees them: which IP versions this node can get addresses of (Calico assigns IPv6 only
 * where a pool serves it), pool names in the configuration turned into CIDRs, and the encapsulation overhead the
 * workload MTU must leave room for.
 */
final class PoolView {
    /** Header bytes each encapsulation adds, as Calico subtracts them from the host MTU. */
    static final int VXLAN_OVERHEAD = 50;
    static final int IPIP_OVERHEAD = 20;

    private record Entry(IPPool resource, Pool pool) {
    }

    private final List<Entry> pools;
    private final Map<String, String> nodeLabels;

    private PoolView(List<Entry> pools, Map<String, String> nodeLabels) {
        this.pools = pools;
        this.nodeLabels = nodeLabels;
    }

    static PoolView read(Datastores.Datastore ds, String node) {
        List<Entry> entries = new ArrayList<>();
        for (Resource r : ds.resources().list(Kind.IP_POOL, null).items()) {
            IPPool p = (IPPool) r;
            try {
                entries.add(new Entry(p, Pool.from(p)));
            } catch (RuntimeException unreadable) {
                // IPAM skips such a pool too; it serves nobody
            }
        }
        Map<String, String> labels = ds.resources().get(new ResourceId(Kind.NODE, null, node))
                .map(n -> n.metadata().labelsOrEmpty()).orElse(null);
        return new PoolView(entries, labels);
    }

    /** An enabled pool of this version serves the node. */
    boolean servesNode(int version) {
        return pools.stream().anyMatch(e -> e.pool.version() == version && !e.pool.disabled() && e.pool.selects(nodeLabels));
    }

    /** The configuration's {@code ipv4_pools}/{@code ipv6_pools}: each a CIDR, or the name of a pool. */
    List<Cidr> resolve(List<String> namesOrCidrs, int version, String key) {
        List<Cidr> out = new ArrayList<>();
        for (String s : namesOrCidrs) {
            Cidr cidr = null;
            if (s.contains("/")) {
                try {
                    cidr = Cidr.parse(s).network();
                } catch (IllegalArgumentException e) {
                    throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam." + key + ": " + e.getMessage());
                }
            } else {
                cidr = pools.stream().filter(e -> e.resource.name().equals(s)).map(e -> e.pool.cidr()).findFirst()
                        .orElseThrow(() -> new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam." + key + " names pool \""
                                + s + "\", but no IPPool has that name; use an existing pool's name or CIDR"));
            }
            if (cidr.version() != version) {
                throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam." + key + " lists " + s + ", an IPv"
                        + cidr.version() + " pool; it takes IPv" + version + " pools only");
            }
            out.add(cidr);
        }
        return out;
    }

    /** The largest overhead of the encapsulations the node's enabled IPv4 pools use. */
    int encapsulationOverhead() {
        int overhead = 0;
        for (Entry e : pools) {
            if (e.pool.disabled() || e.pool.version() != 4) {
                continue;
            }
            IPPool.Spec s = e.resource.spec();
            if (s.vxlanMode() != null && !s.vxlanMode().equals("Never")) {
                overhead = Math.max(overhead, VXLAN_OVERHEAD);
            }
            if (s.ipipMode() != null && !s.ipipMode().equals("Never")) {
                overhead = Math.max(overhead, IPIP_OVERHEAD);
            }
        }
        return overhead;
    }
}
