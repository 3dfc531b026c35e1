package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.List;

/** The checks and defaults NetworkPolicy and GlobalNetworkPolicy share. */
final class PolicyCheck {
    static final String INGRESS = "Ingress";
    static final String EGRESS = "Egress";

    private PolicyCheck() {
    }

    static void order(Problems p, Double order) {
        if (order != null && (order.isNaN() || order.isInfinite())) {
            p.error(order + " is not allowed; order must be a finite number");
        }
    }

    /**
     * Checks {@code types} (libcalico-go release-v3.18 validator.go: the policyType tag and "type specified more than
     * once"); when absent, fills them as Calico's client does (lib/clientv3/policy.go defaultPolicyTypesField): Ingress
     * unless the policy has egress rules only, Egress when it has egress rules. Types that leave out a direction the
     * policy has rules for are accepted, as Calico accepts them (validator_test.go "allow Types without ingress when
     * Ingress present"): those rules are not used, and a warning says so.
     */
    static List<String> types(Problems p, List<String> types, List<Rule> ingress, List<Rule> egress) {
        if (types == null || types.isEmpty()) {
            List<String> out = new ArrayList<>();
            if (ingress != null && !ingress.isEmpty() || egress == null || egress.isEmpty()) {
                out.add(INGRESS);
            }
            if (egress != null && !egress.isEmpty()) {
                out.add(EGRESS);
            }
            return out;
        }
        for (int i = 0; i < types.size(); i++) {
            String t = types.get(i);
            if (t == null || !(t.equals(INGRESS) || t.equals(EGRESS))) {
                p.at(i).error("\"" + t + "\" is not allowed; allowed: Ingress, Egress (Calico: failed to validate field"
                        + " because of tag: policyType)");
            } else if (types.indexOf(t) != i) {
                p.at(i).error("\"" + t + "\" is listed twice (Calico: '" + t + "' type specified more than once)");
            }
        }
        if (ingress != null && !ingress.isEmpty() && !types.contains(INGRESS)) {
            p.warn("has no Ingress: accepted, as Calico accepts it, but the policy's ingress rules are not used");
        }
        if (egress != null && !egress.isEmpty() && !types.contains(EGRESS)) {
            p.warn("has no Egress: accepted, as Calico accepts it, but the policy's egress rules are not used");
        }
        return types;
    }

    /** validator.go: global() is only for an EntityRule's namespaceSelector, never a policy's own selectors. */
    static void noGlobal(Problems p, String selector) {
        if (selector != null && selector.contains(RuleCheck.GLOBAL)) {
            p.error("\"" + selector + "\": global() is only allowed in a rule's namespaceSelector (Calico: global() can"
                    + " only be used in an EntityRule namespaceSelector)");
        }
    }
}
