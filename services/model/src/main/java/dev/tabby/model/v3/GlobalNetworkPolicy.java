package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** Policy across all namespaces and for host endpoints; may act before DNAT or bypass connection tracking. */
public record GlobalNetworkPolicy(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(
            Double order,
            String selector,
            List<String> types,
            List<Rule> ingress,
            List<Rule> egress,
            Boolean doNotTrack,
            Boolean preDNAT,
            Boolean applyOnForward,
            String serviceAccountSelector,
            String namespaceSelector) {
    }

    @Override
    public GlobalNetworkPolicy withMetadata(ObjectMeta m) {
        return new GlobalNetworkPolicy(m, spec);
    }

    /** libcalico-go release-v3.18 lib/validator/v3/validator.go validateGlobalNetworkPolicy and the spec's tags. */
    @Override
    public GlobalNetworkPolicy validated(Problems p) {
        Spec s = spec == null ? new Spec(null, null, null, null, null, null, null, null, null, null) : spec;
        PolicyCheck.order(p.at("order"), s.order);
        Check.selector(p.at("selector"), s.selector);
        PolicyCheck.noGlobal(p.at("selector"), s.selector);
        Check.selector(p.at("serviceAccountSelector"), s.serviceAccountSelector);
        PolicyCheck.noGlobal(p.at("serviceAccountSelector"), s.serviceAccountSelector);
        Check.selector(p.at("namespaceSelector"), s.namespaceSelector);
        PolicyCheck.noGlobal(p.at("namespaceSelector"), s.namespaceSelector);
        List<Rule> ingress = RuleCheck.rules(p.at("ingress"), s.ingress);
        List<Rule> egress = RuleCheck.rules(p.at("egress"), s.egress, "not allowed in egress rules");
        List<String> types = PolicyCheck.types(p.at("types"), s.types, ingress, egress);
        boolean doNotTrack = Boolean.TRUE.equals(s.doNotTrack);
        boolean preDNAT = Boolean.TRUE.equals(s.preDNAT);
        if (doNotTrack && preDNAT) {
            p.at("preDNAT").error("is true and so is doNotTrack; a policy may use only one of them (Calico: PreDNAT and"
                    + " DoNotTrack cannot both be true, for a given PolicySpec)");
        }
        if (preDNAT && egress != null && !egress.isEmpty()) {
            p.at("egress").error("is not allowed with preDNAT, which applies to ingress only (Calico: PreDNAT PolicySpec"
                    + " cannot have any Egress rules)");
        }
        if (preDNAT && types.contains(PolicyCheck.EGRESS)) {
            p.at("types").error("has Egress, which is not allowed with preDNAT (Calico: PreDNAT PolicySpec cannot have"
                    + " 'egress' Type)");
        }
        if ((doNotTrack || preDNAT) && !Boolean.TRUE.equals(s.applyOnForward)) {
            p.at("applyOnForward").error("must be true when " + (doNotTrack ? "doNotTrack" : "preDNAT") + " is true"
                    + " (Calico: ApplyOnForward must be true if either PreDNAT or DoNotTrack is true, for a given"
                    + " PolicySpec)");
        }
        return new GlobalNetworkPolicy(metadata, new Spec(s.order, s.selector, types, ingress, egress,
                s.doNotTrack, s.preDNAT, s.applyOnForward, s.serviceAccountSelector, s.namespaceSelector));
    }
}
