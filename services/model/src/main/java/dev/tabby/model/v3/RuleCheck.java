package dev.tabby.model.v3;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.selector.Selector;
import dev.tabby.model.selector.SelectorException;
import dev.tabby.model.validation.Problems;
import dev.tabby.model.validation.ResourceValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Validation of rule lists, shared by NetworkPolicy, GlobalNetworkPolicy and Profile, as libcalico-go release-v3.18
 * lib/validator/v3/validator.go does it: the tags of lib/apis/v3/policy.go, validateRule, validateEntityRule,
 * validateICMPFields, validateHTTPRule, validatePort and validateRuleMetadata. Each refusal ends with Calico's reason.
 */
final class RuleCheck {
    static final String GLOBAL = "global()";
    private static final String PORTS_MSG = "rules that specify ports must set protocol to TCP or UDP or SCTP";

    private RuleCheck() {
    }

    /** Calico's numorstring Protocol.SupportsPorts: TCP, UDP and SCTP, by name or number (not UDPLite). */
    static boolean supportsPorts(Protocol p) {
        return p != null && (p.number() == 6 || p.number() == 17 || p.number() == 132);
    }

    static List<Rule> rules(Problems p, List<Rule> rules) {
        return rules(p, rules, null);
    }

    /**
     * @param noHttpReason when not null, an HTTP match is refused with this reason (egress rules of a policy: Calico
     *                     "not allowed in egress rule")
     */
    static List<Rule> rules(Problems p, List<Rule> rules, String noHttpReason) {
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
            if (r.http() != null && noHttpReason != null) {
                p.at(i).at("http").error("is only allowed in ingress rules; application layer policy matches inbound"
                        + " requests (Calico: " + noHttpReason + ")");
            }
            out.add(rule(p.at(i), r));
        }
        return out;
    }

    /**
     * validator.go globalSelectorRegex {@code (&&|\|\|) global\(\)|global\(\) (&&|\|\|)} found anywhere in the
     * canonical form of a namespaceSelector; written as the four strings it finds, without a Matcher per rule.
     */
    static boolean combinesGlobal(String canonical) {
        return canonical.contains("&& " + GLOBAL) || canonical.contains("|| " + GLOBAL)
                || canonical.contains(GLOBAL + " &&") || canonical.contains(GLOBAL + " ||");
    }

    private static Rule rule(Problems p, Rule r) {
        if (r.action() == null || r.action().isEmpty()) {
            p.at("action").error("is required; one of Allow, Deny, Log, Pass (Calico: failed to validate field because"
                    + " of tag: action)");
        } else if (!Rule.ACTIONS.contains(r.action())) {
            p.at("action").error("\"" + r.action() + "\" is not allowed; allowed: Allow, Deny, Log, Pass (Calico: failed"
                    + " to validate field because of tag: action)");
        }
        Integer v = r.ipVersion();
        if (v != null && v != 4 && v != 6) {
            p.at("ipVersion").error(v + " is not allowed; allowed: 4, 6 (Calico: failed to validate field because of"
                    + " tag: ipVersion)");
            v = null;
        }
        icmpFields(p.at("icmp"), r.icmp());
        icmpFields(p.at("notICMP"), r.notICMP());
        Protocol protocol = r.protocol();
        // validator.go compares with ProtocolFromString("ICMP") / ("ICMPv6"): the names, so protocol 1 or 58 written as
        // a number does not count.
        if (r.icmp() != null && !(named(protocol, "ICMP") || named(protocol, "ICMPv6"))) {
            p.at("icmp").error("is only allowed with protocol ICMP or ICMPv6 (Calico: rules that specify ICMP fields must"
                    + " set protocol to ICMP)");
        }
        if (v != null && v != 4 && (named(protocol, "ICMP") || named(r.notProtocol(), "ICMP"))) {
            p.at("ipVersion").error("is " + v + " but the rule matches ICMP, which is IPv4 only; use ICMPv6 or"
                    + " ipVersion 4 (Calico: must set ipversion to '4' with protocol icmp)");
        }
        if (v != null && v != 6 && (named(protocol, "ICMPv6") || named(r.notProtocol(), "ICMPv6"))) {
            p.at("ipVersion").error("is " + v + " but the rule matches ICMPv6, which is IPv6 only; use ICMP or"
                    + " ipVersion 6 (Calico: must set ipversion to '6' with protocol icmpv6)");
        }
        if (!supportsPorts(protocol)) {
            String why = "ports need protocol TCP, UDP or SCTP"
                    + (protocol == null ? "; the rule has no protocol" : "; the rule's protocol is " + protocol)
                    + " (Calico: " + PORTS_MSG + ")";
            for (String side : new String[] {"source", "destination"}) {
                Rule.EntityRule e = side.equals("source") ? r.source() : r.destination();
                if (e != null && e.ports() != null && !e.ports().isEmpty()) {
                    p.at(side).at("ports").error(why);
                }
                if (e != null && e.notPorts() != null && !e.notPorts().isEmpty()) {
                    p.at(side).at("notPorts").error(why);
                }
            }
        }
        if (r.http() != null) {
            if (protocol != null && !named(protocol, "TCP")) {
                p.at("protocol").error(protocol + " is not allowed with an http match; use TCP or leave protocol out"
                        + " (Calico: rules that specify HTTP fields must set protocol to TCP or empty)");
            }
            if (!"Allow".equals(r.action())) {
                p.at("http").error("is only allowed in Allow rules (Calico: only valid for Allow rules)");
            }
            http(p.at("http"), r.http());
        }
        if (r.metadata() != null) {
            ResourceValidator.checkAnnotations(p.at("metadata").at("annotations"), r.metadata().annotations());
        }
        Rule.EntityRule src = entity(p.at("source"), r.source());
        Rule.EntityRule dst = entity(p.at("destination"), r.destination());
        netVersions(p, r, v);
        return r.withNets(src, dst);
    }

    private static boolean named(Protocol p, String name) {
        return p != null && name.equals(p.name());
    }

    /** validator.go validateICMPFields and the ICMPFields tags (type 0..254, code 0..255). */
    private static void icmpFields(Problems at, Rule.Icmp icmp) {
        if (icmp == null) {
            return;
        }
        if (icmp.type() != null && (icmp.type() < 0 || icmp.type() > 254)) {
            at.at("type").error(icmp.type() + " is out of range; allowed: 0..254 (Calico: failed to validate field"
                    + " because of tag: " + (icmp.type() < 0 ? "gte" : "lte") + ")");
        }
        if (icmp.code() != null && (icmp.code() < 0 || icmp.code() > 255)) {
            at.at("code").error(icmp.code() + " is out of range; allowed: 0..255 (Calico: failed to validate field"
                    + " because of tag: " + (icmp.code() < 0 ? "gte" : "lte") + ")");
        }
        if (icmp.code() != null && icmp.type() == null) {
            at.at("code").error("is set without type; an ICMP code only means something with a type (Calico: ICMP code"
                    + " specified without an ICMP type)");
        }
    }

    /** validator.go validateHTTPMethods and validateHTTPPaths: any method, none twice; paths start with '/'. */
    private static void http(Problems p, Rule.Http http) {
        if (http.methods() != null && new HashSet<>(http.methods()).size() != http.methods().size()) {
            p.at("methods").error(http.methods() + " lists a method twice (Calico: Invalid methods (duplicates): "
                    + String.join(" ", http.methods()) + ")");
        }
        if (http.paths() != null) {
            for (int i = 0; i < http.paths().size(); i++) {
                Rule.PathMatch m = http.paths().get(i);
                Problems at = p.at("paths").at(i);
                String exact = m == null || m.exact() == null ? "" : m.exact();
                String prefix = m == null || m.prefix() == null ? "" : m.prefix();
                if (!exact.isEmpty() && !prefix.isEmpty()) {
                    at.error("sets both exact and prefix; set one (Calico: Invalid path match. Both 'exact' and"
                            + " 'prefix' are set)");
                    continue;
                }
                String path = exact.isEmpty() ? prefix : exact;
                if (path.isEmpty()) {
                    at.error("sets neither exact nor prefix; set one (Calico: Invalid path match. Either 'exact' or"
                            + " 'prefix' must be set)");
                } else if (!path.startsWith("/") || path.contains("?") || path.contains(" ") || path.contains("#")) {
                    at.error("\"" + path + "\" is not a path; it starts with '/' and has no '?', '#' or space (Calico:"
                            + " Invalid path " + path + ". (must start with `/` and not contain `?` or `#`)");
                }
            }
        }
    }

    private static Rule.EntityRule entity(Problems p, Rule.EntityRule e) {
        if (e == null) {
            return null;
        }
        List<String> nets = nets(p.at("nets"), e.nets());
        List<String> notNets = nets(p.at("notNets"), e.notNets());
        Check.selector(p.at("selector"), e.selector());
        if (e.selector() != null && e.selector().contains(GLOBAL)) {
            p.at("selector").error("\"" + e.selector() + "\": global() is only allowed in namespaceSelector (Calico: "
                    + GLOBAL + " can only be used in an EntityRule namespaceSelector)");
        }
        Check.selector(p.at("notSelector"), e.notSelector());
        Check.selector(p.at("namespaceSelector"), e.namespaceSelector());
        if (e.namespaceSelector() != null && !p.at("namespaceSelector").hasErrors()) {
            try {
                String canonical = Selector.parse(e.namespaceSelector()).toString();
                if (combinesGlobal(canonical)) {
                    p.at("namespaceSelector").error("\"" + e.namespaceSelector() + "\": global() must stand alone"
                            + " (Calico: " + GLOBAL + " cannot be combined with other selectors)");
                }
            } catch (SelectorException ignored) {
                // reported by Check.selector above
            }
        }
        if (e.serviceAccounts() != null) {
            // Calico checks the selector only; names may be anything (policy.go ServiceAccountMatch).
            Check.selector(p.at("serviceAccounts").at("selector"), e.serviceAccounts().selector());
        }
        return new Rule.EntityRule(nets, notNets, e.selector(), e.notSelector(), e.namespaceSelector(),
                e.ports(), e.notPorts(), e.serviceAccounts());
    }

    /**
     * Rule nets are CIDRs, correctly masked: the tag {@code net} refuses host bits, and validateRule parses each with
     * ParseCIDR, which refuses a bare address.
     */
    private static List<String> nets(Problems p, List<String> values) {
        if (values == null) {
            return null;
        }
        for (int i = 0; i < values.size(); i++) {
            String n = values.get(i);
            Problems at = p.at(i);
            if (n == null || n.isEmpty()) {
                at.error("is empty; expected a CIDR (Calico: invalid CIDR)");
                continue;
            }
            if (n.indexOf('/') < 0) {
                try {
                    Cidr c = Cidr.parseCidrOrIp(n);
                    at.error("\"" + n + "\" is an address, not a CIDR; write " + c + " (Calico: invalid CIDR)");
                } catch (IllegalArgumentException e) {
                    at.error(e.getMessage() + " (Calico: invalid CIDR)");
                }
                continue;
            }
            try {
                Cidr c = Cidr.parse(n);
                if (!c.isCanonical()) {
                    at.error("\"" + n + "\" has host bits set; write " + c.network() + " (Calico: failed to validate"
                            + " field because of tag: net)");
                }
            } catch (IllegalArgumentException e) {
                at.error(e.getMessage() + " (Calico: invalid CIDR)");
            }
        }
        return values;
    }

    /**
     * validator.go validateRule's scanNets: the nets of the rule match its ipVersion, and one rule does not mix IPv4
     * and IPv6 across source and destination nets and notNets.
     */
    private static void netVersions(Problems p, Rule r, Integer v) {
        boolean seen4 = false;
        boolean seen6 = false;
        String[][] fields = {{"source", "nets"}, {"source", "notNets"}, {"destination", "nets"}, {"destination", "notNets"}};
        for (String[] f : fields) {
            Rule.EntityRule e = f[0].equals("source") ? r.source() : r.destination();
            List<String> nets = e == null ? null : f[1].equals("nets") ? e.nets() : e.notNets();
            if (nets == null) {
                continue;
            }
            boolean v4 = false;
            boolean v6 = false;
            for (String n : nets) {
                int version = n != null && n.indexOf('/') > 0 ? Check.versionOf(n) : 0;
                v4 |= version == 4;
                v6 |= version == 6;
            }
            Problems at = p.at(f[0]).at(f[1]);
            if (v != null && (v4 && v != 4 || v6 && v != 6)) {
                at.error("holds IPv" + (v == 4 ? 6 : 4) + " networks but the rule's ipVersion is " + v
                        + " (Calico: rule IP version doesn't match CIDR version)");
            }
            if (v4 && seen6 || v6 && seen4 || v4 && v6) {
                at.error("mixes IPv4 and IPv6 networks in one rule; write one rule per IP version (Calico: rule contains"
                        + " both IPv4 and IPv6 CIDRs)");
            }
            seen4 |= v4;
            seen6 |= v6;
        }
    }
}
