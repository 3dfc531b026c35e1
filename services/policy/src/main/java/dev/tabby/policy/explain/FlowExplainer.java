package dev.tabby.policy.explain;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.policy.calc.CalicoPolicy;
import dev.tabby.policy.calc.EndpointLabels;
import dev.tabby.policy.calc.PolicyResolver;
import dev.tabby.policy.explain.Explanation.PeerHolder;
import dev.tabby.policy.explain.Explanation.PolicyTrace;
import dev.tabby.policy.explain.Explanation.Verdict;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which policies and rules decide a flow to or from one workload, and the verdict: the walk a packet takes through
 * the workload's Felix chains ({@code cali-fw-<iface>} for egress, {@code cali-tw-<iface>} for ingress; felix
 * rules/endpoints.go and rules/policy.go, Tabby's EndpointChains and RuleRenderer).
 *
 * <p>The policies and their order come from {@link PolicyResolver} over {@link EndpointLabels}, exactly as the
 * renderer computes them; each rule is matched by {@link RuleMatcher} on the rule the renderer renders. In the chain:
 * a matching Allow accepts; Deny drops; Log logs and evaluation goes on; Pass skips the remaining policies to the
 * profiles. After the last policy, when any policy selects the workload in this direction and none passed, the
 * packet is dropped; otherwise the profiles are tried in the workload's order (a Pass in a profile goes on to the
 * next profile; a profile that does not exist denies, as Felix renders it), and a packet no profile allowed is
 * dropped. Only new flows are explained: replies of an allowed connection are accepted by conntrack before policy.
 *
 * <p>The workload's own host (an address its Node resource lists) is special, as in felix rules/static.go: traffic
 * from it is not policed at all, and what egress policy allows towards it then meets FelixConfiguration
 * {@code defaultEndpointToHostAction}.
 *
 * <p>Pure: no I/O; the caller loads the {@link Cluster}.
 */
public final class FlowExplainer {
    private FlowExplainer() {
    }

    public static Explanation explain(Cluster cluster, WorkloadEndpoint wep, Flow flow) {
        Map<String, Profile> profiles = new LinkedHashMap<>();
        cluster.profiles().forEach(p -> profiles.put(p.metadata().name(), p));
        String workload = wep.metadata().namespace() + "/" + wep.metadata().name();
        IpAddress workloadIp = workloadAddress(wep, workload, flow.peer());

        List<CalicoPolicy> all = new ArrayList<>();
        Map<String, String> kinds = new TreeMap<>();
        for (NetworkPolicy np : cluster.networkPolicies()) {
            CalicoPolicy c = CalicoPolicy.of(np);
            all.add(c);
            kinds.put(c.name(), "NetworkPolicy");
        }
        for (GlobalNetworkPolicy gnp : cluster.globalNetworkPolicies()) {
            CalicoPolicy c = CalicoPolicy.of(gnp);
            all.add(c);
            kinds.put(c.name(), "GlobalNetworkPolicy");
        }
        List<String> profileNames = wep.spec() == null || wep.spec().profiles() == null
                ? List.of() : wep.spec().profiles();
        PolicyResolver.Resolution resolution =
                PolicyResolver.resolve(EndpointLabels.of(wep, profiles), profileNames, all);

        Peers peers = new Peers(cluster, profiles);
        List<PeerHolder> holders = new ArrayList<>();
        peers.holding(flow.peer()).forEach(h -> holders.add(
                new PeerHolder(h.kind(), h.name(), new TreeMap<>(h.item().labels()))));
        Packet packet = Packet.of(flow, workloadIp);
        RuleMatcher matcher = new RuleMatcher(peers);
        boolean egress = flow.direction() == Flow.Direction.EGRESS;
        String field = flow.direction().ruleField();
        List<String> assuming = new ArrayList<>();

        String node = wep.spec() == null ? null : wep.spec().node();
        boolean ownHost = hostAddresses(cluster, node).contains(flow.peer());
        RuleTrace preamble = null;
        Verdict verdict = null;
        if (ownHost && !egress) {
            preamble = new RuleTrace("host", "Allow", RuleTrace.Result.MATCHED, flow.peer() + " is an address of node "
                    + node + ", the workload's own host: Felix does not police host-to-local-workload traffic "
                    + "(cali-OUTPUT returns for cali+ interfaces before any workload policy)", List.of());
            verdict = new Verdict("Allow", "Allow: " + preamble.reason(), null, null, null, assuming);
        }
        if (ownHost && egress) {
            preamble = hostIcmpV6(packet, assuming);
            if (preamble != null) {
                verdict = new Verdict("Allow", "Allow before any policy: " + preamble.reason(), null, null, null,
                        assuming);
            }
        }
        if (egress && verdict == null) {
            preamble = preamble(cluster.settings(), packet, assuming);
            if (preamble != null) {
                verdict = new Verdict("Deny", "Deny by the workload's own chain, before any policy: "
                        + preamble.reason(), null, null, null, assuming);
            }
        }
        boolean decidedBeforePolicy = verdict != null;

        List<CalicoPolicy> applying = egress ? resolution.egress() : resolution.ingress();
        List<PolicyTrace> policyTraces = new ArrayList<>();
        String passedBy = null;
        for (CalicoPolicy p : applying) {
            String kind = kinds.get(p.name());
            if (verdict != null || passedBy != null) {
                policyTraces.add(new PolicyTrace(kind, p.name(), p.order(), List.of(), "not reached"));
                continue;
            }
            List<Rule> rules = egress ? p.egress() : p.ingress();
            Walk walk = walk(matcher, rules, field, p.namespace(), packet, kind, p.name(), assuming);
            policyTraces.add(new PolicyTrace(kind, p.name(), p.order(), walk.traces, walk.outcome));
            verdict = walk.verdict;
            if (walk.outcome.equals("Pass")) {
                passedBy = "Pass by rule " + walk.decidingRule + " of " + kind + " " + p.name();
            }
        }
        if (verdict == null && passedBy == null && !applying.isEmpty()) {
            verdict = new Verdict("Deny", "no policy allowed it: default deny", null, null, null, assuming);
        }

        String profilesReached = null;
        List<PolicyTrace> profileTraces = new ArrayList<>();
        if (verdict == null) {
            profilesReached = passedBy != null ? passedBy
                    : "no policy selects this workload for " + flow.direction().ruleField();
            for (String name : profileNames) {
                Profile pr = profiles.get(name);
                if (verdict != null) {
                    profileTraces.add(new PolicyTrace("Profile", name, null, List.of(), "not reached"));
                    continue;
                }
                if (pr == null) {
                    // felix calc/active_rules_calculator.go: a missing profile is rendered as DummyDropRules.
                    RuleTrace missing = new RuleTrace("(missing)", "Deny", RuleTrace.Result.MATCHED,
                            "the profile does not exist: Felix renders a deny-all profile in its place", List.of());
                    profileTraces.add(new PolicyTrace("Profile", name, null, List.of(missing), "Deny"));
                    verdict = new Verdict("Deny", "Deny by Profile " + name
                            + ", which does not exist (Felix renders a deny-all profile in its place)",
                            "Profile", name, null, assuming);
                    continue;
                }
                List<Rule> rules = pr.spec() == null ? null : egress ? pr.spec().egress() : pr.spec().ingress();
                Walk walk = walk(matcher, rules == null ? List.of() : rules, field, null, packet, "Profile", name,
                        assuming);
                // A Pass in a profile sets the pass mark and returns; the workload chain goes on to the next profile.
                profileTraces.add(new PolicyTrace("Profile", name, null, walk.traces,
                        walk.outcome.equals("Pass") ? "Pass: on to the next profile" : walk.outcome));
                verdict = walk.verdict;
            }
            if (verdict == null) {
                verdict = new Verdict("Deny", profileNames.isEmpty()
                        ? "no profile allowed it (the workload has no profiles)" : "no profile allowed it",
                        null, null, null, assuming);
            }
        }

        if (ownHost && egress && !decidedBeforePolicy && verdict.action().equals("Allow")) {
            verdict = toHost(verdict, cluster.settings().defaultEndpointToHostAction(), node);
        }

        return new Explanation(field, workload, workloadIp.toString(), flow.peer().toString(), flow.peerText(),
                holders, preamble, policyTraces, profilesReached, profileTraces, verdict,
                notes(resolution, egress, kinds));
    }

    /** The outcome of one policy's or profile's rules. */
    private record Walk(List<RuleTrace> traces, String outcome, String decidingRule, Verdict verdict) {
    }

    private static Walk walk(RuleMatcher matcher, List<Rule> rules, String field, String namespace, Packet packet,
                             String kind, String name, List<String> assuming) {
        List<RuleTrace> traces = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String ref = field + "[" + i + "]";
            RuleTrace t = matcher.evaluate(rules.get(i), ref, namespace, packet);
            traces.add(t);
            if (t.result() == RuleTrace.Result.DEPENDS) {
                assuming.add(ref + " of " + kind + " " + name + " (" + t.action() + ", depends on "
                        + String.join(", ", t.dependsOn()) + ")");
                continue;
            }
            if (t.result() != RuleTrace.Result.MATCHED) {
                continue;
            }
            switch (t.action()) {
                case "Log" -> {
                    // LOG is not terminal: the next rule sees the packet.
                }
                case "Pass" -> {
                    return new Walk(traces, "Pass", ref, null);
                }
                case "Deny" -> {
                    return new Walk(traces, "Deny", ref, new Verdict("Deny",
                            "Deny by rule " + ref + " of " + kind + " " + name, kind, name, ref, assuming));
                }
                default -> {
                    return new Walk(traces, "Allow", ref, new Verdict("Allow",
                            "Allow by rule " + ref + " of " + kind + " " + name, kind, name, ref, assuming));
                }
            }
        }
        return new Walk(traces, "no rule matched", null, null);
    }

    /**
     * felix filterWorkloadToHostChain: what egress policy allowed towards the workload's own host then meets
     * FelixConfiguration defaultEndpointToHostAction.
     */
    private static Verdict toHost(Verdict allowed, String action, String node) {
        String why = " to node " + node + ", the workload's own host";
        return switch (action) {
            case "Accept" -> new Verdict("Allow", allowed.reason() + ", then accepted" + why
                    + " (FelixConfiguration defaultEndpointToHostAction Accept)", allowed.kind(), allowed.name(),
                    allowed.rule(), allowed.assuming());
            case "Return" -> new Verdict("Allow", allowed.reason() + ", then the host's own INPUT rules and host "
                    + "endpoint policy decide" + why + " (FelixConfiguration defaultEndpointToHostAction Return)",
                    allowed.kind(), allowed.name(), allowed.rule(), allowed.assuming());
            default -> new Verdict("Deny", allowed.reason() + ", then dropped" + why
                    + " (FelixConfiguration defaultEndpointToHostAction Drop, the default)", null, null, null,
                    allowed.assuming());
        };
    }

    /** felix filterWorkloadToHostChain: the ICMPv6 a workload may always send its host (router duties). */
    private static RuleTrace hostIcmpV6(Packet p, List<String> assuming) {
        if (p.version() != 6) {
            return null;
        }
        List<Integer> types = List.of(130, 131, 132, 133, 135, 136);
        if (p.protocol() == null || p.protocol().number() == 58 && p.icmpType() == null) {
            assuming.add("the host's ICMPv6 allowance for types " + types + " (depends on "
                    + (p.protocol() == null ? "protocol, ICMP type" : "ICMP type") + ")");
            return null;
        }
        if (p.protocol().number() == 58 && types.contains(p.icmpType())) {
            return new RuleTrace("host", "Allow", RuleTrace.Result.MATCHED, "Felix accepts ICMPv6 type "
                    + p.icmpType() + " from workloads to their host (cali-wl-to-host)", List.of());
        }
        return null;
    }

    /**
     * The addresses Calico knows for a node (its Node resource: BGP addresses and tunnel addresses); the host may
     * have more that the datastore does not list.
     */
    private static Set<IpAddress> hostAddresses(Cluster cluster, String node) {
        Set<IpAddress> out = new HashSet<>();
        for (Node n : cluster.nodes()) {
            if (!n.metadata().name().equals(node) || n.spec() == null) {
                continue;
            }
            List<String> texts = new ArrayList<>();
            if (n.spec().bgp() != null) {
                texts.add(n.spec().bgp().ipv4Address());
                texts.add(n.spec().bgp().ipv6Address());
                texts.add(n.spec().bgp().ipv4IPIPTunnelAddr());
            }
            texts.add(n.spec().ipv4VXLANTunnelAddr());
            if (n.spec().wireguard() != null) {
                texts.add(n.spec().wireguard().interfaceIPv4Address());
            }
            for (String t : texts) {
                if (t != null && !t.isEmpty()) {
                    out.add(Cidr.parseCidrOrIp(t).address());
                }
            }
        }
        return out;
    }

    /** felix endpointIptablesChain: what a workload's egress chain drops before its policies. */
    private static RuleTrace preamble(WorkloadChainSettings s, Packet p, List<String> assuming) {
        Integer proto = p.protocol() == null ? null : p.protocol().number();
        if (!s.allowVxlanPacketsFromWorkloads()) {
            String why = "Felix drops VXLAN (UDP " + s.vxlanPort() + ") packets that workloads send "
                    + "(FelixConfiguration allowVXLANPacketsFromWorkloads is false)";
            if (proto == null || proto == 17 && p.dstPort() == null) {
                assuming.add("the workload chain's VXLAN drop (depends on "
                        + (proto == null ? "protocol, destination port" : "destination port") + ")");
            } else if (proto == 17 && p.dstPort() == s.vxlanPort()) {
                return new RuleTrace("workload chain", "Deny", RuleTrace.Result.MATCHED, why, List.of());
            }
        }
        if (!s.allowIpipPacketsFromWorkloads()) {
            if (proto == null) {
                assuming.add("the workload chain's IP-in-IP drop (depends on protocol)");
            } else if (proto == 4) {
                return new RuleTrace("workload chain", "Deny", RuleTrace.Result.MATCHED,
                        "Felix drops IP-in-IP packets that workloads send "
                                + "(FelixConfiguration allowIPIPPacketsFromWorkloads is false)", List.of());
            }
        }
        return null;
    }

    private static IpAddress workloadAddress(WorkloadEndpoint wep, String workload, IpAddress peer) {
        List<String> nets = wep.spec() == null || wep.spec().ipNetworks() == null ? List.of() : wep.spec().ipNetworks();
        for (String n : nets) {
            Cidr c = Cidr.parseCidrOrIp(n);
            if (c.version() == peer.version()) {
                return c.address();
            }
        }
        throw new IllegalArgumentException("WorkloadEndpoint " + workload + " has no IPv" + peer.version()
                + " address (it has " + (nets.isEmpty() ? "none" : String.join(", ", nets))
                + "), so it has no flow with " + peer);
    }

    private static List<String> notes(PolicyResolver.Resolution r, boolean egress, Map<String, String> kinds) {
        List<String> notes = new ArrayList<>();
        List<CalicoPolicy> here = egress ? r.egress() : r.ingress();
        List<CalicoPolicy> other = egress ? r.ingress() : r.egress();
        for (CalicoPolicy p : other) {
            if (!here.contains(p)) {
                notes.add(kinds.get(p.name()) + " " + p.name() + " selects this workload for "
                        + (egress ? "ingress" : "egress") + " only (types)");
            }
        }
        List<CalicoPolicy> hostOnly = new ArrayList<>(r.untrackedIngress());
        r.untrackedEgress().stream().filter(p -> !hostOnly.contains(p)).forEach(hostOnly::add);
        r.preDnatIngress().stream().filter(p -> !hostOnly.contains(p)).forEach(hostOnly::add);
        for (CalicoPolicy p : hostOnly) {
            notes.add(kinds.get(p.name()) + " " + p.name() + " selects this workload but is "
                    + (p.doNotTrack() ? "doNotTrack" : "preDNAT") + ": such policies apply to host endpoints only");
        }
        return notes;
    }
}
