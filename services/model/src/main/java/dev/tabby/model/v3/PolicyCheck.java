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
     * Checks {@code types} against the rules given; when absent, fills them as Calico does: Ingress always,
     * Egress too when there are egress rules.
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
            Check.oneOf(p.at(i), t, List.of(INGRESS, EGRESS));
            if (types.indexOf(t) != i) {
                p.at(i).error("\"" + t + "\" is listed twice");
            }
        }
        if (ingress != null && !ingress.isEmpty() && !types.contains(INGRESS)) {
            p.error("has no Ingress, but the policy has ingress rules; add Ingress or remove the rules");
        }
        if (egress != null && !egress.isEmpty() && !types.contains(EGRESS)) {
            p.error("has no Egress, but the policy has egress rules; add Egress or remove the rules");
        }
        return types;
    }
}
