package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.List;

/** Validation of rule lists, shared by NetworkPolicy, GlobalNetworkPolicy and Profile. */
final class RuleCheck {
    private static final List<String> HTTP_METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private RuleCheck() {
    }

    static List<Rule> rules(Problems p, List<Rule> rules) {
        if (rules == null) {
            return null;
        }
        List<Rule> out = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r == null) {
                p.at(i).error("is empty; a rule needs at least an action");
                continue;
            }
            out.add(rule(p.at(i), r));
        }
        return out;
    }

    private static Rule rule(Problems p, Rule r) {
        Check.required(p.at("action"), r.action());
        Check.oneOf(p.at("action"), r.action(), Rule.ACTIONS);
        Integer v = r.ipVersion();
        if (v != null && v != 4 && v != 6) {
            p.at("ipVersion").error(v + " is not allowed; allowed: 4, 6");
            v = null;
        }
        icmp(p, "icmp", r.icmp(), r.protocol(), v);
        icmp(p, "notICMP", r.notICMP(), r.protocol(), v);
        if (r.protocol() != null && v != null) {
            if (r.protocol().isIcmpV4() && v == 6) {
                p.at("protocol").error("ICMP is IPv4 only but ipVersion is 6; use ICMPv6");
            }
            if (r.protocol().isIcmpV6() && v == 4) {
                p.at("protocol").error("ICMPv6 is IPv6 only but ipVersion is 4; use ICMP");
            }
        }
        if (r.http() != null) {
            http(p.at("http"), r.http());
        }
        Rule.EntityRule src = entity(p.at("source"), r.source(), r.protocol(), v);
        Rule.EntityRule dst = entity(p.at("destination"), r.destination(), r.protocol(), v);
        return r.withNets(src, dst);
    }

    private static void icmp(Problems p, String field, Rule.Icmp icmp, Protocol protocol, Integer v) {
        if (icmp == null) {
            return;
        }
        Problems at = p.at(field);
        if (protocol == null || !(protocol.isIcmpV4() || protocol.isIcmpV6())) {
            at.error("is only allowed with protocol ICMP or ICMPv6");
        }
        Check.range(at.at("type"), icmp.type(), 0, 254);
        Check.range(at.at("code"), icmp.code(), 0, 255);
        if (icmp.code() != null && icmp.type() == null) {
            at.at("code").error("is set without type; an ICMP code only means something with a type");
        }
    }

    private static void http(Problems p, Rule.Http http) {
        if (http.methods() != null) {
            for (int i = 0; i < http.methods().size(); i++) {
                Check.oneOf(p.at("methods").at(i), http.methods().get(i), HTTP_METHODS);
            }
        }
        if (http.paths() != null) {
            for (int i = 0; i < http.paths().size(); i++) {
                Rule.PathMatch m = http.paths().get(i);
                if (m == null || (m.exact() == null) == (m.prefix() == null)) {
                    p.at("paths").at(i).error("must set exactly one of exact or prefix");
                }
            }
        }
    }

    private static Rule.EntityRule entity(Problems p, Rule.EntityRule e, Protocol protocol, Integer v) {
        if (e == null) {
            return null;
        }
        List<String> nets = Check.cidrs(p.at("nets"), e.nets(), true);
        List<String> notNets = Check.cidrs(p.at("notNets"), e.notNets(), true);
        netsVersion(p.at("nets"), nets, v);
        netsVersion(p.at("notNets"), notNets, v);
        Check.selector(p.at("selector"), e.selector());
        Check.selector(p.at("notSelector"), e.notSelector());
        Check.selector(p.at("namespaceSelector"), e.namespaceSelector());
        ports(p.at("ports"), e.ports(), protocol);
        ports(p.at("notPorts"), e.notPorts(), protocol);
        if (e.serviceAccounts() != null) {
            Check.selector(p.at("serviceAccounts").at("selector"), e.serviceAccounts().selector());
            Check.resourceNames(p.at("serviceAccounts").at("names"), e.serviceAccounts().names());
        }
        return new Rule.EntityRule(nets, notNets, e.selector(), e.notSelector(), e.namespaceSelector(),
                e.ports(), e.notPorts(), e.serviceAccounts());
    }

    private static void netsVersion(Problems p, List<String> nets, Integer v) {
        if (nets == null || v == null) {
            return;
        }
        for (int i = 0; i < nets.size(); i++) {
            int netVersion = Check.versionOf(nets.get(i));
            if (netVersion != 0 && netVersion != v) {
                p.at(i).error(nets.get(i) + " is IPv" + netVersion + " but the rule's ipVersion is " + v);
            }
        }
    }

    private static void ports(Problems p, List<Port> ports, Protocol protocol) {
        if (ports == null || ports.isEmpty()) {
            return;
        }
        if (protocol == null || !protocol.hasPorts()) {
            p.error("ports need protocol TCP, UDP, SCTP or UDPLite"
                    + (protocol == null ? "; the rule has no protocol" : "; the rule's protocol is " + protocol));
        }
    }
}
