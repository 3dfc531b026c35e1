package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.Rule;

import java.util.ArrayList;
import java.util.List;

/**
 * A NetworkPolicy or GlobalNetworkPolicy as Felix sees it (libcalico-go's v1 model.Policy, made by
 * lib/backend/syncersv1/updateprocessors networkpolicyprocessor.go / globalnetworkpolicyprocessor.go).
 *
 * @param name      Felix's key name: a GlobalNetworkPolicy's name, a NetworkPolicy's {@code <namespace>/<name>};
 *                  the tie-break when orders are equal and the suffix of its chain names
 * @param namespace the NetworkPolicy's namespace; null for a GlobalNetworkPolicy
 * @param order     null means "after every policy with an order"
 * @param selector  the endpoint selector with the namespace (and service-account) scope folded in
 * @param ingress   v3 ingress rules (converted with {@link RuleConverter} in this policy's namespace)
 */
public record CalicoPolicy(
        String name,
        String namespace,
        Double order,
        Selector selector,
        boolean governsIngress,
        boolean governsEgress,
        List<Rule> ingress,
        List<Rule> egress,
        boolean doNotTrack,
        boolean preDNAT,
        boolean applyOnForward) {

    public CalicoPolicy {
        ingress = ingress == null ? List.of() : List.copyOf(ingress);
        egress = egress == null ? List.of() : List.copyOf(egress);
    }

    /** libcalico-go convertNetworkPolicyV2ToV1Value; NetworkPolicy always applies on forward. */
    public static CalicoPolicy of(NetworkPolicy p) {
        NetworkPolicy.Spec s = p.spec() == null ? new NetworkPolicy.Spec(null, null, null, null, null, null) : p.spec();
        String ns = p.metadata().namespace();
        String selector = blank(s.selector()) ? "" : s.selector();
        if (ns != null && !ns.isEmpty()) {
            String nsSelector = Labels.NAMESPACE + " == '" + ns + "'";
            selector = selector.isEmpty() ? nsSelector : "(" + selector + ") && " + nsSelector;
        }
        selector = prefixAndAppend(selector, s.serviceAccountSelector(), Labels.SERVICE_ACCOUNT_LABEL_PREFIX);
        List<String> types = defaultTypes(s.types(), s.ingress(), s.egress());
        return new CalicoPolicy(ns + "/" + p.metadata().name(), ns, s.order(), Selector.parse(selector),
                types.contains("Ingress"), types.contains("Egress"), s.ingress(), s.egress(), false, false, true);
    }

    /** libcalico-go convertGlobalNetworkPolicyV2ToV1Value. */
    public static CalicoPolicy of(GlobalNetworkPolicy p) {
        GlobalNetworkPolicy.Spec s = p.spec() == null
                ? new GlobalNetworkPolicy.Spec(null, null, null, null, null, null, null, null, null, null) : p.spec();
        String selector = blank(s.selector()) ? "" : s.selector();
        if (!blank(s.namespaceSelector())) {
            selector = prefixAndAppend(selector, s.namespaceSelector(), Labels.NAMESPACE_LABEL_PREFIX)
                    .replace("all()", "has(" + Labels.NAMESPACE + ")");
        }
        if (!blank(s.serviceAccountSelector())) {
            selector = prefixAndAppend(selector, s.serviceAccountSelector(), Labels.SERVICE_ACCOUNT_LABEL_PREFIX)
                    .replace("all()", "has(" + Labels.SERVICE_ACCOUNT + ")");
        }
        List<String> types = defaultTypes(s.types(), s.ingress(), s.egress());
        return new CalicoPolicy(p.metadata().name(), null, s.order(), Selector.parse(selector),
                types.contains("Ingress"), types.contains("Egress"), s.ingress(), s.egress(),
                Boolean.TRUE.equals(s.doNotTrack()), Boolean.TRUE.equals(s.preDNAT()),
                Boolean.TRUE.equals(s.applyOnForward()));
    }

    /**
     * The v3 client's defaulting of an absent {@code types} (libcalico-go lib/clientv3 networkpolicy.go
     * defaultPolicyTypesField): Ingress when there are ingress rules or no egress rules; Egress when there are egress
     * rules. Felix itself would read "no types" as both directions, but every policy written through Calico's API
     * has them filled in, so this is what a Calico user gets.
     */
    static List<String> defaultTypes(List<String> types, List<Rule> ingress, List<Rule> egress) {
        if (types != null && !types.isEmpty()) {
            return types;
        }
        boolean hasIngress = ingress != null && !ingress.isEmpty();
        boolean hasEgress = egress != null && !egress.isEmpty();
        List<String> out = new ArrayList<>();
        if (hasIngress || !hasEgress) {
            out.add("Ingress");
        }
        if (hasEgress) {
            out.add("Egress");
        }
        return out;
    }

    /** libcalico-go prefixAndAppendSelector. */
    private static String prefixAndAppend(String current, String extra, String prefix) {
        if (blank(extra)) {
            return current;
        }
        String prefixed = SelectorPrefix.attach(extra, prefix);
        return current.isEmpty() ? prefixed : "(" + current + ") && " + prefixed;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
