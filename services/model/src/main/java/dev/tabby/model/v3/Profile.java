package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;
import java.util.Map;

/** Rules and labels applied to every endpoint that names this profile. */
public record Profile(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(List<Rule> ingress, List<Rule> egress, Map<String, String> labelsToApply) {
    }

    @Override
    public Profile withMetadata(ObjectMeta m) {
        return new Profile(m, spec);
    }

    @Override
    public Profile validated(Problems p) {
        if (spec == null) {
            return this;
        }
        Check.labels(p.at("labelsToApply"), spec.labelsToApply);
        return new Profile(metadata, new Spec(RuleCheck.rules(p.at("ingress"), spec.ingress),
                RuleCheck.rules(p.at("egress"), spec.egress), spec.labelsToApply));
    }
}
