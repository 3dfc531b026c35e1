package dev.tabby.policy.calc;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.Rule.EntityRule;
import dev.tabby.policy.render.ProtoRule;
import dev.tabby.policy.render.ProtoRule.PortRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A v3 {@link Rule} into the rule Felix renders. Two steps, as in Calico:
 * <ol>
 * <li>libcalico-go lib/backend/syncersv1/updateprocessors/rules.go RuleAPIV2ToBackend: the source/destination
 * selector becomes one selector combining the namespace scope (a NetworkPolicy's own namespace, or the rule's
 * namespaceSelector over {@code pcns.} labels), the serviceAccounts match ({@code pcsa.} labels and
 * {@code projectcalico.org/serviceaccount in {...}}) and the selector; actions and protocols take v1 spelling.</li>
 * <li>felix calc/rule_scanner.go ruleToParsedRule: notSelector is folded into the positive selector when there is
 * one; every selector becomes an IP set ID; named ports become (selector, protocol, port) IP sets.</li>
 * </ol>
 */
public final class RuleConverter {
    private RuleConverter() {
    }

    /**
     * @param namespace the NetworkPolicy's namespace, or null for a GlobalNetworkPolicy or Profile
     */
    public static ConvertedRule convert(Rule rule, String namespace) {
        EntityRule src = rule.source() == null ? emptyEntity() : rule.source();
        EntityRule dst = rule.destination() == null ? emptyEntity() : rule.destination();
        ProtoRule p = new ProtoRule();
        p.action = rule.action() == null ? "" : rule.action().toLowerCase(Locale.ROOT);
        p.ipVersion = rule.ipVersion();
        p.protocol = v1Protocol(rule.protocol());
        p.notProtocol = v1Protocol(rule.notProtocol());
        if (rule.icmp() != null) {
            p.icmpType = rule.icmp().type();
            p.icmpCode = rule.icmp().type() == null ? null : rule.icmp().code();
        }
        if (rule.notICMP() != null) {
            p.notIcmpType = rule.notICMP().type();
            p.notIcmpCode = rule.notICMP().type() == null ? null : rule.notICMP().code();
        }
        // libcalico-go keeps source nets as written (ConvertStringsToNets) and masks destination nets
        // (NormalizeIPNets); a bare address becomes /32 or /128 either way.
        p.srcNet = nets(src.nets(), false);
        p.notSrcNet = nets(src.notNets(), false);
        p.dstNet = nets(dst.nets(), true);
        p.notDstNet = nets(dst.notNets(), true);
        if (rule.metadata() != null && rule.metadata().annotations() != null) {
            // Sorted by key so the rendered comments are stable (Felix iterates a Go map: any order).
            p.annotations.putAll(new TreeMap<>(rule.metadata().annotations()));
        }

        String namedPortProtocol = namedPortProtocol(rule.protocol());
        List<IpSetSpec> sets = new ArrayList<>();
        Side s = side(src, namespace, namedPortProtocol);
        Side d = side(dst, namespace, namedPortProtocol);
        p.srcPorts = s.numericPorts;
        p.notSrcPorts = s.notNumericPorts;
        p.dstPorts = d.numericPorts;
        p.notDstPorts = d.notNumericPorts;
        // felix ruleToParsedRule's order of allIPSets: named ports, then selectors.
        p.srcNamedPortIpSetIds = ids(s.namedPortSets, sets);
        p.dstNamedPortIpSetIds = ids(d.namedPortSets, sets);
        p.notSrcNamedPortIpSetIds = ids(s.notNamedPortSets, sets);
        p.notDstNamedPortIpSetIds = ids(d.notNamedPortSets, sets);
        p.srcIpSetIds = ids(s.selectorSets, sets);
        p.dstIpSetIds = ids(d.selectorSets, sets);
        p.notSrcIpSetIds = ids(s.notSelectorSets, sets);
        p.notDstIpSetIds = ids(d.notSelectorSets, sets);
        return new ConvertedRule(p, sets);
    }

    private static EntityRule emptyEntity() {
        return new EntityRule(null, null, null, null, null, null, null, null);
    }

    private record Side(List<PortRange> numericPorts, List<PortRange> notNumericPorts,
                        List<IpSetSpec> namedPortSets, List<IpSetSpec> notNamedPortSets,
                        List<IpSetSpec> selectorSets, List<IpSetSpec> notSelectorSets) {
    }

    private static Side side(EntityRule e, String namespace, String namedPortProtocol) {
        String positive = entitySelector(e, namespace);
        String negative = blankToNull(e.notSelector());
        // felix combineMatchesIfPossible: with a positive selector, the negated one folds into it.
        if (positive != null && negative != null) {
            positive = "(" + positive + ") && (!(" + negative + "))";
            negative = null;
        }
        Selector pos = positive == null ? null : Selector.parse(positive);
        List<PortRange> numeric = new ArrayList<>();
        List<String> named = new ArrayList<>();
        split(e.ports(), numeric, named);
        List<PortRange> notNumeric = new ArrayList<>();
        List<String> notNamed = new ArrayList<>();
        split(e.notPorts(), notNumeric, notNamed);

        Selector namedSel = pos == null ? Selector.ALL : pos;
        List<IpSetSpec> namedSets = new ArrayList<>();
        for (String n : named) {
            namedSets.add(new IpSetSpec(namedSel, n, namedPortProtocol));
        }
        List<IpSetSpec> notNamedSets = new ArrayList<>();
        for (String n : notNamed) {
            notNamedSets.add(new IpSetSpec(namedSel, n, namedPortProtocol));
        }
        List<IpSetSpec> selSets = new ArrayList<>();
        // felix: with only named ports, their sets already carry the selector; no separate selector set.
        if (pos != null && (!numeric.isEmpty() || named.isEmpty())) {
            selSets.add(IpSetSpec.forSelector(pos));
        }
        List<IpSetSpec> notSelSets = new ArrayList<>();
        if (negative != null) {
            notSelSets.add(IpSetSpec.forSelector(Selector.parse(negative)));
        }
        return new Side(numeric, notNumeric, namedSets, notNamedSets, selSets, notSelSets);
    }

    /** libcalico-go GetEntityRuleSelector / getEndpointSelector; null when the side selects nothing by label. */
    static String entitySelector(EntityRule e, String namespace) {
        String saSelector = e.serviceAccounts() == null ? null : serviceAccountSelector(e.serviceAccounts());
        String namespaceSelector = blankToNull(e.namespaceSelector());
        String endpointSelector = blankToNull(e.selector());
        String nsSelector = null;
        if (namespaceSelector != null) {
            nsSelector = SelectorPrefix.attach(namespaceSelector, Labels.NAMESPACE_LABEL_PREFIX)
                    .replace("all()", "has(" + Labels.NAMESPACE + ")")
                    .replace("global()", "!has(" + Labels.NAMESPACE + ")");
        } else if (namespace != null && !namespace.isEmpty()) {
            nsSelector = Labels.NAMESPACE + " == '" + namespace + "'";
        }
        List<String> selectors = new ArrayList<>();
        if (saSelector != null) {
            selectors.add(saSelector);
        }
        if (endpointSelector != null) {
            selectors.add(endpointSelector);
        }
        String selector = null;
        if (selectors.size() == 1) {
            selector = selectors.get(0);
        } else if (selectors.size() > 1) {
            selector = "(" + String.join(") && (", selectors) + ")";
        }
        if (nsSelector != null && (selector != null || blankToNull(e.notSelector()) != null || namespaceSelector != null)) {
            selector = selector != null ? "(" + nsSelector + ") && (" + selector + ")" : nsSelector;
        }
        return selector;
    }

    /** libcalico-go parseServiceAccounts. */
    static String serviceAccountSelector(Rule.ServiceAccounts sa) {
        String updated = null;
        if (blankToNull(sa.selector()) != null) {
            updated = SelectorPrefix.attach(sa.selector(), Labels.SERVICE_ACCOUNT_LABEL_PREFIX);
        }
        if (sa.names() == null || sa.names().isEmpty()) {
            return updated;
        }
        String names = Selector.parse(Labels.SERVICE_ACCOUNT + " in { '" + String.join("', '", sa.names()) + "' }").toString();
        return updated != null ? "(" + updated + ") && (" + names + ")" : names;
    }

    /** numorstring Protocol.ToV1: names in lower case, numbers as they are. */
    static String v1Protocol(Protocol p) {
        if (p == null) {
            return null;
        }
        return p.name() != null ? p.name().toLowerCase(Locale.ROOT) : String.valueOf(p.number());
    }

    /** felix ruleToParsedRule: named ports are looked up as TCP unless the rule says UDP or SCTP. */
    static String namedPortProtocol(Protocol p) {
        if (p != null && p.number() == 17) {
            return "udp";
        }
        if (p != null && p.number() == 132) {
            return "sctp";
        }
        return "tcp";
    }

    private static void split(List<Port> ports, List<PortRange> numeric, List<String> named) {
        if (ports == null) {
            return;
        }
        for (Port port : ports) {
            if (port.isNamed()) {
                named.add(port.name());
            } else {
                numeric.add(new PortRange(port.min(), port.max()));
            }
        }
    }

    private static List<String> nets(List<String> nets, boolean masked) {
        List<String> out = new ArrayList<>();
        if (nets != null) {
            for (String n : nets) {
                Cidr c = Cidr.parseCidrOrIp(n);
                out.add((masked ? c.network() : c).toString());
            }
        }
        return out;
    }

    private static List<String> ids(List<IpSetSpec> specs, List<IpSetSpec> all) {
        List<String> ids = new ArrayList<>();
        for (IpSetSpec s : specs) {
            ids.add(s.id());
            all.add(s);
        }
        return ids;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
