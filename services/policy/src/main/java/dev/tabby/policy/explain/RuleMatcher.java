package dev.tabby.policy.explain;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.EndpointPort;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.Rule.EntityRule;
import dev.tabby.policy.calc.ConvertedRule;
import dev.tabby.policy.calc.IpSetSpec;
import dev.tabby.policy.calc.Labels;
import dev.tabby.policy.calc.RuleConverter;
import dev.tabby.policy.render.ProtoRule;
import dev.tabby.policy.render.ProtoRule.PortRange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether one v3 rule matches a packet, with the matches of the iptables rule Felix renders from it: the rule goes
 * through {@link RuleConverter} as the renderer's does, is filtered to the packet's IP version as felix
 * rules/policy.go FilterRuleToIPVersion does, and each match (nets, selector and named-port IP sets, multiport
 * lists, ICMP type/code, negations) is tested the way the kernel tests it. The fields are checked in the order the
 * v3 API lists them, so the first failure reported is the first field an operator reads in the YAML.
 */
final class RuleMatcher {
    private final Peers peers;

    RuleMatcher(Peers peers) {
        this.peers = peers;
    }

    /** Collects the first failure and everything the packet left unknown. */
    private static final class Verdict {
        String failure;
        final List<String> unknown = new ArrayList<>();

        boolean failed() {
            return failure != null;
        }

        void fail(String reason) {
            if (failure == null) {
                failure = reason;
            }
        }

        void unknown(String what) {
            if (!unknown.contains(what)) {
                unknown.add(what);
            }
        }
    }

    /**
     * @param namespace the NetworkPolicy's namespace; null for a GlobalNetworkPolicy or a Profile
     */
    RuleTrace evaluate(Rule rule, String ref, String namespace, Packet p) {
        String action = rule.action() == null || rule.action().isEmpty() ? "Allow" : rule.action();
        ConvertedRule converted = RuleConverter.convert(rule, namespace);
        ProtoRule r = converted.rule();
        Map<String, IpSetSpec> sets = new LinkedHashMap<>();
        converted.ipSets().forEach(s -> sets.put(s.id(), s));
        int v = p.version();

        // felix FilterRuleToIPVersion: such a rule is not in this IP version's chain at all.
        if (r.ipVersion != null && r.ipVersion != v) {
            return noMatch(ref, action, "ipVersion: the rule is for IPv" + r.ipVersion + " only");
        }
        String leftOut = leftOutOfVersion("source.nets", r.srcNet, v);
        leftOut = leftOut != null ? leftOut : leftOutOfVersion("source.notNets", r.notSrcNet, v);
        leftOut = leftOut != null ? leftOut : leftOutOfVersion("destination.nets", r.dstNet, v);
        leftOut = leftOut != null ? leftOut : leftOutOfVersion("destination.notNets", r.notDstNet, v);
        if (leftOut != null) {
            return noMatch(ref, action, leftOut);
        }

        Verdict out = new Verdict();
        protocol(rule, r, p, out);
        icmp(r, p, out);
        if (!out.failed()) {
            side(out, "source", rule.source(), namespace, p.src(), null, p, r.srcNet, r.notSrcNet, r.srcIpSetIds,
                    r.notSrcIpSetIds, r.srcPorts, r.srcNamedPortIpSetIds, r.notSrcPorts, r.notSrcNamedPortIpSetIds,
                    sets);
        }
        if (!out.failed()) {
            side(out, "destination", rule.destination(), namespace, p.dst(), p.dstPort(), p, r.dstNet, r.notDstNet,
                    r.dstIpSetIds, r.notDstIpSetIds, r.dstPorts, r.dstNamedPortIpSetIds, r.notDstPorts,
                    r.notDstNamedPortIpSetIds, sets);
        }
        if (out.failed()) {
            return noMatch(ref, action, out.failure);
        }
        if (!out.unknown.isEmpty()) {
            return new RuleTrace(ref, action, RuleTrace.Result.DEPENDS, "matches or not by the "
                    + String.join(" and ", out.unknown) + ", which the flow does not give", out.unknown);
        }
        return new RuleTrace(ref, action, RuleTrace.Result.MATCHED, matchedText(action, rule), List.of());
    }

    /**
     * felix filterNets: keeps this version's nets in {@code nets}; when a net match it had is left empty, Felix
     * leaves the whole rule out of this version's chains, and the answer says so.
     */
    private static String leftOutOfVersion(String field, List<String> nets, int v) {
        if (nets.isEmpty()) {
            return null;
        }
        nets.removeIf(n -> Cidr.parse(n).version() != v);
        return nets.isEmpty()
                ? field + " lists no IPv" + v + " network, so Felix leaves the rule out of the IPv" + v + " chains"
                : null;
    }

    private static String matchedText(String action, Rule rule) {
        String http = rule.http() == null ? "" : " (its http match is not enforced by iptables)";
        return switch (action) {
            case "Deny" -> "matched: dropped" + http;
            case "Log" -> "matched: logged, evaluation goes on" + http;
            case "Pass" -> "matched: passes to the profiles" + http;
            default -> "matched: allowed" + http;
        };
    }

    private static RuleTrace noMatch(String ref, String action, String reason) {
        return new RuleTrace(ref, action, RuleTrace.Result.NO_MATCH, reason, List.of());
    }

    private static void protocol(Rule rule, ProtoRule r, Packet p, Verdict out) {
        if (r.protocol != null) {
            if (p.protocol() == null) {
                out.unknown("protocol");
            } else if (Protocol.parse(r.protocol).number() != p.protocol().number()) {
                out.fail("protocol: the flow is " + p.protocol() + ", the rule wants " + rule.protocol());
                return;
            }
        }
        if (r.notProtocol != null) {
            if (p.protocol() == null) {
                out.unknown("protocol");
            } else if (Protocol.parse(r.notProtocol).number() == p.protocol().number()) {
                out.fail("notProtocol: the flow is " + p.protocol() + ", which the rule excludes");
            }
        }
    }

    private static void icmp(ProtoRule r, Packet p, Verdict out) {
        if (out.failed()) {
            return;
        }
        int icmp = p.version() == 4 ? 1 : 58;
        boolean isIcmp = p.protocol() != null && p.protocol().number() == icmp;
        if (r.icmpType != null) {
            if (p.protocol() == null) {
                out.unknown("protocol");
            } else if (!isIcmp) {
                out.fail("icmp: the flow is " + p.protocol() + ", not " + (icmp == 1 ? "ICMP" : "ICMPv6"));
                return;
            } else if (p.icmpType() == null) {
                out.unknown("ICMP type");
            } else if (!p.icmpType().equals(r.icmpType)) {
                out.fail("icmp.type: the flow's type " + p.icmpType() + " is not " + r.icmpType);
                return;
            } else if (r.icmpCode != null) {
                if (p.icmpCode() == null) {
                    out.unknown("ICMP code");
                } else if (!p.icmpCode().equals(r.icmpCode)) {
                    out.fail("icmp.code: the flow's code " + p.icmpCode() + " is not " + r.icmpCode);
                    return;
                }
            }
        }
        if (r.notIcmpType != null) {
            if (p.protocol() == null) {
                out.unknown("protocol");
            } else if (!isIcmp) {
                // iptables' icmp match only ever matches ICMP packets, negated or not.
                out.fail("notICMP: the flow is " + p.protocol() + ", not " + (icmp == 1 ? "ICMP" : "ICMPv6"));
            } else if (p.icmpType() == null) {
                out.unknown("ICMP type");
            } else if (p.icmpType().equals(r.notIcmpType)) {
                if (r.notIcmpCode == null) {
                    out.fail("notICMP.type: the flow's type " + p.icmpType() + " is excluded");
                } else if (p.icmpCode() == null) {
                    out.unknown("ICMP code");
                } else if (p.icmpCode().equals(r.notIcmpCode)) {
                    out.fail("notICMP: the flow's type " + p.icmpType() + " code " + p.icmpCode() + " is excluded");
                }
            }
        }
    }

    private void side(Verdict out, String name, EntityRule entity, String namespace, IpAddress ip, Integer port,
                      Packet p, List<String> nets, List<String> notNets, List<String> setIds, List<String> notSetIds,
                      List<PortRange> ports, List<String> namedPortSetIds, List<PortRange> notPorts,
                      List<String> notNamedPortSetIds, Map<String, IpSetSpec> sets) {
        if (!nets.isEmpty() && nets.stream().noneMatch(n -> Cidr.parse(n).contains(ip))) {
            out.fail(name + ".nets: " + ip + " is in none of " + nets);
            return;
        }
        for (String n : notNets) {
            if (Cidr.parse(n).contains(ip)) {
                out.fail(name + ".notNets: " + ip + " is in " + n);
                return;
            }
        }
        for (String id : setIds) {
            if (!peers.inSelectorSet(sets.get(id), ip)) {
                out.fail(selectorFailure(name, entity, namespace, ip, sets.get(id).selector()));
                return;
            }
        }
        if (setIds.isEmpty() && ports.isEmpty() && !namedPortSetIds.isEmpty()
                && !sets.get(namedPortSetIds.get(0)).selector().equals(Selector.ALL)) {
            // Only named ports: Felix puts the selector into their sets and renders no selector set. A peer that no
            // selector-matching endpoint holds can be in none of them, whatever the port, so say so first. (With
            // numeric ports too, a number may match without any selector; the port check below decides.)
            Selector sel = sets.get(namedPortSetIds.get(0)).selector();
            if (!peers.inSelectorSet(IpSetSpec.forSelector(sel), ip)) {
                out.fail(selectorFailure(name, entity, namespace, ip, sel));
                return;
            }
        }
        for (String id : notSetIds) {
            if (peers.inSelectorSet(sets.get(id), ip)) {
                out.fail(name + ".notSelector: " + describeHolders(ip, sets.get(id).selector()) + " matches "
                        + entity.notSelector());
                return;
            }
        }
        boolean hasPortless = p.protocol() != null && !p.protocol().hasPorts();
        String portWhat = name + " port";
        if (!ports.isEmpty() || !namedPortSetIds.isEmpty()) {
            if (hasPortless) {
                out.fail(name + ".ports: the flow is " + p.protocol() + ", which has no ports");
                return;
            }
            if (port == null) {
                out.unknown(portWhat);
            } else if (inPorts(ports, port)) {
                // matched by number
            } else if (!namedPortSetIds.isEmpty() && p.protocol() == null) {
                out.unknown("protocol");
            } else if (!inNamedPorts(namedPortSetIds, sets, ip, port, p)) {
                out.fail(name + ".ports: " + port + (p.protocol() == null ? "" : "/" + p.protocol()) + " is none of "
                        + portList(entity.ports()) + resolution(namedPortSetIds, sets, ip));
                return;
            }
        }
        if (!notPorts.isEmpty() || !notNamedPortSetIds.isEmpty()) {
            if (hasPortless) {
                out.fail(name + ".notPorts: the flow is " + p.protocol() + ", which has no ports");
                return;
            }
            if (port == null) {
                out.unknown(portWhat);
            } else if (inPorts(notPorts, port)) {
                out.fail(name + ".notPorts: " + port + " is excluded by " + portList(entity.notPorts()));
            } else if (!notNamedPortSetIds.isEmpty() && p.protocol() == null) {
                out.unknown("protocol");
            } else if (inNamedPorts(notNamedPortSetIds, sets, ip, port, p)) {
                out.fail(name + ".notPorts: " + port + "/" + p.protocol() + " is excluded by "
                        + portList(entity.notPorts()) + resolution(notNamedPortSetIds, sets, ip));
            }
        }
    }

    private static boolean inPorts(List<PortRange> ranges, int port) {
        return ranges.stream().anyMatch(r -> r.first() <= port && port <= r.last());
    }

    /** hash:ip,port membership (the set members carry the protocol, so an unknown one matches none). */
    private boolean inNamedPorts(List<String> ids, Map<String, IpSetSpec> sets, IpAddress ip, int port, Packet p) {
        if (ids.isEmpty() || p.protocol() == null) {
            return false;
        }
        String proto = switch (p.protocol().number()) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            default -> null;
        };
        if (proto == null) {
            return false;
        }
        for (String id : ids) {
            if (peers.inNamedPortSet(sets.get(id), ip, proto, port)) {
                return true;
            }
        }
        return false;
    }

    private static String portList(List<Port> ports) {
        List<String> out = new ArrayList<>();
        if (ports != null) {
            ports.forEach(x -> out.add(x.toString()));
        }
        return "[" + String.join(", ", out) + "]";
    }

    /** What each named port is on the endpoints holding the address: "; redis is 6379/TCP on WorkloadEndpoint x". */
    private String resolution(List<String> namedIds, Map<String, IpSetSpec> sets, IpAddress ip) {
        if (namedIds.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String id : namedIds) {
            IpSetSpec spec = sets.get(id);
            List<String> found = new ArrayList<>();
            for (Peers.Holder h : peers.holding(ip)) {
                for (EndpointPort ep : h.item().ports()) {
                    if (spec.namedPort().equals(ep.name()) && ep.protocol() != null
                            && spec.namedPortProtocol().equalsIgnoreCase(ep.protocol().toString())) {
                        found.add(ep.port() + "/" + ep.protocol() + " on " + h.describe()
                                + (spec.selector().matches(h.item().labels()) ? ""
                                : " (which the rule's selector does not match)"));
                    }
                }
            }
            parts.add(found.isEmpty()
                    ? spec.namedPort() + " (" + spec.namedPortProtocol() + ") is a port of no endpoint holding " + ip
                    : spec.namedPort() + " is " + String.join(", ", found));
        }
        return "; " + String.join("; ", parts);
    }

    /**
     * Names the v3 field of a failed selector match: the namespace scope, then serviceAccounts, selector and
     * notSelector, each tested alone against the endpoints and network sets holding the address.
     */
    private String selectorFailure(String side, EntityRule e, String namespace, IpAddress ip, Selector combined) {
        record Part(String field, Selector selector, boolean negated, String shown) {
        }
        List<Part> parts = new ArrayList<>();
        if (e != null && e.namespaceSelector() != null && !e.namespaceSelector().isBlank()) {
            parts.add(new Part("namespaceSelector", partSelector(new EntityRule(null, null, null, null,
                    e.namespaceSelector(), null, null, null)), false, e.namespaceSelector()
                    + " (against the namespace labels its profile " + Labels.NAMESPACE_PROFILE_PREFIX
                    + "<ns> applies)"));
        } else if (namespace != null && !namespace.isEmpty()) {
            parts.add(new Part("selector", Selector.parse(Labels.NAMESPACE + " == '" + namespace + "'"), false,
                    "namespace " + namespace + " (a NetworkPolicy's rules select in its own namespace)"));
        }
        if (e != null && e.serviceAccounts() != null) {
            parts.add(new Part("serviceAccounts", partSelector(new EntityRule(null, null, null, null, null, null, null,
                    e.serviceAccounts())), false, serviceAccountsText(e.serviceAccounts())));
        }
        if (e != null && e.selector() != null && !e.selector().isBlank()) {
            parts.add(new Part("selector", Selector.parse(e.selector()), false, e.selector()));
        }
        if (e != null && e.notSelector() != null && !e.notSelector().isBlank()) {
            parts.add(new Part("notSelector", Selector.parse(e.notSelector()), true, e.notSelector()));
        }
        List<Peers.Holder> holders = peers.holding(ip);
        if (holders.isEmpty()) {
            return side + (parts.isEmpty() ? "" : "." + parts.get(0).field()) + ": no endpoint or network set holds "
                    + ip + ", so no selector matches it";
        }
        for (Part part : parts) {
            List<Peers.Holder> ok = holders.stream()
                    .filter(h -> part.selector().matches(h.item().labels()) != part.negated()).toList();
            if (ok.isEmpty()) {
                return side + "." + part.field() + ": " + names(holders)
                        + (part.negated() ? " matches "
                        : holders.size() == 1 ? " does not match " : " match none of ")
                        + part.shown();
            }
        }
        return side + ": no single endpoint or network set holding " + ip + " matches all of " + combined;
    }

    /** The selector RuleConverter makes of one part of an entity alone (no namespace scope). */
    private static Selector partSelector(EntityRule part) {
        Rule r = new Rule("Allow", null, null, null, null, null, part, null, null, null);
        for (IpSetSpec s : RuleConverter.convert(r, null).ipSets()) {
            if (!s.isNamedPort()) {
                return s.selector();
            }
        }
        return Selector.ALL;
    }

    private static String serviceAccountsText(Rule.ServiceAccounts sa) {
        List<String> parts = new ArrayList<>();
        if (sa.names() != null && !sa.names().isEmpty()) {
            parts.add("names " + sa.names());
        }
        if (sa.selector() != null && !sa.selector().isBlank()) {
            parts.add("selector " + sa.selector());
        }
        return String.join(" and ", parts);
    }

    private String describeHolders(IpAddress ip, Selector selector) {
        List<Peers.Holder> matching = peers.holding(ip).stream()
                .filter(h -> selector.matches(h.item().labels())).toList();
        return matching.isEmpty() ? ip.toString() : names(matching);
    }

    private static String names(List<Peers.Holder> holders) {
        List<String> out = new ArrayList<>();
        holders.forEach(h -> out.add(h.describe()));
        return String.join(", ", out);
    }
}
