package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** Policy for the workload endpoints of one namespace, selected by label. */
public record NetworkPolicy(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(
            Double order,
            String selector,
            List<String> types,
            List<Rule> ingress,
            List<Rule> egress,
            String serviceAccountSelector) {
    }

    @Override
    public NetworkPolicy withMetadata(ObjectMeta m) {
        return new NetworkPolicy(m, spec);
    }

    /** libcalico-go release-v3.18 lib/validator/v3/validator.go validateNetworkPolicy and the spec's tags. */
    @Override
    public NetworkPolicy validated(Problems p) {
        Spec s = spec == null ? new Spec(null, null, null, null, null, null) : spec;
        PolicyCheck.order(p.at("order"), s.order);
        Check.selector(p.at("selector"), s.selector);
        PolicyCheck.noGlobal(p.at("selector"), s.selector);
        Check.selector(p.at("serviceAccountSelector"), s.serviceAccountSelector);
        PolicyCheck.noGlobal(p.at("serviceAccountSelector"), s.serviceAccountSelector);
        List<Rule> ingress = RuleCheck.rules(p.at("ingress"), s.ingress);
        // validator.go validateNetworkPolicy: no application layer policy in egress rules.
        List<Rule> egress = RuleCheck.rules(p.at("egress"), s.egress, "not allowed in egress rule");
        List<String> types = PolicyCheck.types(p.at("types"), s.types, ingress, egress);
        return new NetworkPolicy(metadata, new Spec(s.order, s.selector, types, ingress, egress, s.serviceAccountSelector));
    }
}
