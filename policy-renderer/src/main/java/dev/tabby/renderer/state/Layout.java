package dev.tabby.renderer.state;

import dev.tabby.dataplane.ipset.IpSet;
import dev.tabby.dataplane.ipset.IpSetType;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.policy.calc.CalicoPolicy;
import dev.tabby.policy.calc.PolicyResolver;
import dev.tabby.policy.render.Chain;
import dev.tabby.policy.render.EndpointChains;
import dev.tabby.policy.render.HostEndpointTables;
import dev.tabby.policy.render.IptRule;
import dev.tabby.policy.render.StaticChains;
import dev.tabby.policy.render.StaticIpSet;
import dev.tabby.policy.render.StaticTable;
import dev.tabby.policy.render.WorkloadDispatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Felix v3.18's iptables layout, assembled from the renderers of services/policy: the static chains of every table
 * with their hooks and fixed IP sets (felix dataplane/linux/int_dataplane.go, masq_mgr.go, vxlan_mgr.go), one
 * workload's chains, the host endpoints' chains with their dispatch (endpoint_mgr.go), and the workload dispatch.
 */
public final class Layout {

    /** What the static chains and sets depend on. */
    public record Inputs(RendererSettings settings, List<Integer> ipVersions, Collection<IPPool> pools,
                         List<String> serviceClusterCidrs) {
    }

    /** Rules a built-in chain gets: at its top, and at its end (FORWARD only). */
    public record Hook(List<String> insert, List<String> append) {
    }

    PolicyState.Rendered staticPart(Inputs in) {
        StaticChains statics = new StaticChains(in.settings().statics());
        Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
        Map<TableKey, Map<String, Hook>> hooks = new HashMap<>();
        Map<String, IpSet> sets = new HashMap<>();
        for (int v : in.ipVersions()) {
            Map<String, IpSet> vSets = fixedSets(in, v);
            sets.putAll(vSets);
            boolean natOutgoing = !vSets.get(StaticIpSet.MASQ_IPAM_POOLS.name(v)).members().isEmpty();
            for (StaticTable t : statics.tables(v, natOutgoing, in.serviceClusterCidrs())) {
                TableKey key = new TableKey(v, t.table());
                chains.put(key, PolicyState.toRules(t.chains()));
                Map<String, Hook> byBuiltIn = new TreeMap<>();
                for (StaticTable.Hook h : t.hooks()) {
                    byBuiltIn.put(h.builtIn(), new Hook(text(h.insert()), text(h.append())));
                }
                hooks.put(key, byBuiltIn);
            }
        }
        return new PolicyState.Rendered(chains, Map.of(), sets, hooks);
    }

    private static List<String> text(List<IptRule> rules) {
        return rules.stream().map(IptRule::render).toList();
    }

    /**
     * The pool sets the static chains match on: every pool and the natOutgoing pools (felix masq_mgr.go:
     * natOutgoing pools count even when disabled). The nodes' sets are {@link #hostSets}.
     */
    static Map<String, IpSet> fixedSets(Inputs in, int v) {
        TreeSet<String> all = new TreeSet<>();
        TreeSet<String> masq = new TreeSet<>();
        for (IPPool p : in.pools()) {
            if (p.spec() == null || p.spec().cidr() == null) {
                continue;
            }
            Cidr c;
            try {
                c = Cidr.parseCidrOrIp(p.spec().cidr()).network();
            } catch (IllegalArgumentException e) {
                continue; // the pool's own validation names it; it matches nothing here
            }
            if ((c.version() == 6) != (v == 6)) {
                continue;
            }
            all.add(c.toString());
            if (Boolean.TRUE.equals(p.spec().natOutgoing())) {
                masq.add(c.toString());
            }
        }
        Map<String, IpSet> out = new HashMap<>();
        out.put(StaticIpSet.ALL_IPAM_POOLS.name(v), new IpSet(IpSetType.HASH_NET, v, all));
        out.put(StaticIpSet.MASQ_IPAM_POOLS.name(v), new IpSet(IpSetType.HASH_NET, v, masq));
        return out;
    }

    /**
     * IPv4 only: every node's address as IP-in-IP and VXLAN peers (felix ipip_mgr.go, vxlan_mgr.go: the node's BGP
     * IPv4 address is its tunnel parent's). Static chains match on them, but only the nodes change them, so they are
     * rendered apart: a node's change then costs these two sets, not every static chain.
     */
    static Map<String, IpSet> hostSets(Collection<Node> nodes) {
        Set<String> hosts = new HashSet<>();
        for (Node n : nodes) {
            String addr = hostAddress(n);
            if (addr != null) {
                hosts.add(addr);
            }
        }
        IpSet set = new IpSet(IpSetType.HASH_NET, 4, hosts);
        return Map.of(StaticIpSet.ALL_HOSTS_NET.name(4), set, StaticIpSet.ALL_VXLAN_NET.name(4), set);
    }

    /** A node's address in the all-hosts sets ({@code spec.bgp.ipv4Address} without its prefix), or null. */
    static String hostAddress(Node n) {
        String addr = n == null || n.spec() == null || n.spec().bgp() == null ? null : n.spec().bgp().ipv4Address();
        if (addr == null || addr.isBlank()) {
            return null;
        }
        return addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr;
    }

    List<Chain> workloadChains(RendererSettings s, String iface, PolicyResolver.Resolution r) {
        return new EndpointChains(s.endpointChains()).workload(iface, true, names(r.ingress()), names(r.egress()),
                r.profiles());
    }

    /**
     * The host endpoints' chains and the host dispatch chains, per table (filter, mangle, raw). The dispatch chains
     * exist even with no host endpoint: the static chains jump to them. A host endpoint protects the interface it
     * names ({@code *}: all of them); of two naming one interface the first by name wins (felix endpoint_mgr.go).
     */
    Map<String, List<Chain>> hostChains(RendererSettings s, Map<String, HostEndpoint> localHosts,
                                        Map<String, PolicyResolver.Resolution> resolutions,
                                        Map<String, Set<String>> hostInterfaces) {
        Map<String, HostEndpoint> resolved = new TreeMap<>();
        localHosts.forEach((k, h) -> {
            if (resolutions.get(k) != null) {
                resolved.put(k, h);
            }
        });
        Map<String, PolicyResolver.Resolution> byIface = new TreeMap<>();
        hostBindings(resolved, hostInterfaces).forEach((iface, key) -> byIface.put(iface, resolutions.get(key)));
        HostEndpointTables.Tables t = new HostEndpointTables(s.endpointChains(),
                s.statics().workloadInterfacePrefixes()).render(byIface);
        Map<String, List<Chain>> out = new HashMap<>();
        out.put(TableKey.FILTER, t.filter());
        out.put(TableKey.MANGLE, t.mangle());
        out.put(TableKey.RAW, t.raw());
        return out;
    }

    /**
     * Which host endpoint protects which interface, as interface -> endpoint key (felix endpoint_mgr.go
     * resolveHostEndpoints): the endpoint with the lowest name among those naming the interface ({@code *} for all)
     * or, naming none, expecting one of its addresses.
     */
    static Map<String, String> hostBindings(Map<String, HostEndpoint> localHosts, Map<String, Set<String>> hostInterfaces) {
        Map<String, String> byIface = new TreeMap<>();
        for (Map.Entry<String, HostEndpoint> e : new TreeMap<>(localHosts).entrySet()) {
            HostEndpoint.Spec spec = e.getValue().spec();
            if (spec == null) {
                continue;
            }
            String iface = spec.interfaceName();
            if (iface != null && !iface.isBlank()) {
                byIface.putIfAbsent(iface, e.getKey());
                continue;
            }
            Set<String> expected = canonical(spec.expectedIPs());
            hostInterfaces.forEach((name, addrs) -> {
                if (addrs.stream().anyMatch(expected::contains)) {
                    byIface.putIfAbsent(name, e.getKey());
                }
            });
        }
        return byIface;
    }

    /** Addresses in the model's canonical text, so "fd00::0001" and "fd00::1" compare equal. */
    static Set<String> canonical(Collection<String> addresses) {
        Set<String> out = new java.util.HashSet<>();
        if (addresses != null) {
            for (String a : addresses) {
                try {
                    out.add(dev.tabby.model.net.IpAddress.parse(a.strip()).toString());
                } catch (IllegalArgumentException e) {
                    // not an address: matches no interface
                }
            }
        }
        return out;
    }

    List<Chain> workloadDispatch(List<String> workloadIfaces) {
        return WorkloadDispatch.chains(workloadIfaces);
    }

    public static List<String> names(List<CalicoPolicy> policies) {
        List<String> out = new ArrayList<>(policies.size());
        policies.forEach(p -> out.add(p.name()));
        return out;
    }
}
