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
import dev.tabby.policy.render.WorkloadDispatch;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Felix v3.18's iptables layout, assembled from the renderers of services/policy: which chains go in which table for
 * the static part, one workload or host endpoint, and the dispatch chains.
 */
public final class Layout {

    /** What the static chains and sets depend on. */
    public record Inputs(String node, RendererSettings settings, Collection<IPPool> pools, Collection<Node> nodes,
                         Collection<HostEndpoint> localHosts) {
    }

    PolicyState.Rendered render(Inputs in) {
        Map<String, IpSet> sets = new HashMap<>();
        for (int v : in.settings().ipVersions()) {
            sets.putAll(poolAndHostSets(in, v));
        }
        return new PolicyState.Rendered(Map.of(), Map.of(), sets, Map.of());
    }

    /** felix rules/rule_defs.go: the sets of all pools, the masquerading pools and all hosts' addresses. */
    static Map<String, IpSet> poolAndHostSets(Inputs in, int v) {
        TreeSet<String> all = new TreeSet<>();
        TreeSet<String> masq = new TreeSet<>();
        for (IPPool p : in.pools()) {
            if (p.spec() == null || p.spec().cidr() == null) {
                continue;
            }
            Cidr c = Cidr.parseCidrOrIp(p.spec().cidr()).network();
            if ((c.version() == 6) != (v == 6)) {
                continue;
            }
            all.add(c.toString());
            if (Boolean.TRUE.equals(p.spec().natOutgoing()) && !Boolean.TRUE.equals(p.spec().disabled())) {
                masq.add(c.toString());
            }
        }
        TreeSet<String> hosts = new TreeSet<>();
        for (Node n : in.nodes()) {
            if (n.spec() == null || n.spec().bgp() == null) {
                continue;
            }
            String addr = v == 6 ? n.spec().bgp().ipv6Address() : n.spec().bgp().ipv4Address();
            if (addr != null && !addr.isBlank()) {
                String ip = addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr;
                hosts.add(ip);
            }
        }
        String p = v == 6 ? "cali60" : "cali40";
        return Map.of(
                p + "all-ipam-pools", new IpSet(IpSetType.HASH_NET, v, all),
                p + "masq-ipam-pools", new IpSet(IpSetType.HASH_NET, v, masq),
                p + "all-hosts-net", new IpSet(IpSetType.HASH_NET, v, hosts));
    }

    List<Chain> workloadChains(RendererSettings s, String iface, PolicyResolver.Resolution r) {
        EndpointChains.Config config = new EndpointChains.Config(s.marks(), RendererSettings.fragment(s.filterAllowAction()),
                s.disableConntrackInvalid(), s.allowVxlanFromWorkloads(), s.allowIpipFromWorkloads(), s.vxlanPort());
        return new EndpointChains(config).workload(iface, true, names(r.ingress()), names(r.egress()), r.profiles());
    }

    Map<String, List<Chain>> hostEndpointChains(RendererSettings s, HostEndpoint h, PolicyResolver.Resolution r, int v) {
        return Map.of();
    }

    Map<String, List<Chain>> dispatchChains(RendererSettings s, List<String> workloadIfaces,
                                            Collection<HostEndpoint> hosts, int v) {
        return Map.of(TableKey.FILTER, WorkloadDispatch.chains(workloadIfaces));
    }

    public static List<String> names(List<CalicoPolicy> policies) {
        return policies.stream().map(CalicoPolicy::name).toList();
    }
}
