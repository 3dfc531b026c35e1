package dev.tabby.policy.explain;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Locale;

/**
 * One rule as the flow met it.
 *
 * @param rule      its place in the resource, as in the YAML: {@code egress[0]}
 * @param action    Allow, Deny, Log or Pass
 * @param reason    for {@link Result#NO_MATCH} the first field that failed and why; for a match what the action does
 * @param dependsOn for {@link Result#DEPENDS} what the flow did not say (protocol, destination port, ...)
 */
public record RuleTrace(String rule, String action, Result result, String reason, List<String> dependsOn) {

    public RuleTrace {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    public enum Result {
        MATCHED,
        NO_MATCH,
        /** Every field the flow gives matched; the rule matches or not by what the flow left out. */
        DEPENDS;

        @JsonValue
        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }
}
