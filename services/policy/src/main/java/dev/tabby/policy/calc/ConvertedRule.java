package dev.tabby.policy.calc;

import dev.tabby.policy.render.ProtoRule;

import java.util.List;

/** A v3 rule after the calculation: the rule the renderer draws, and the IP sets it refers to (each by its ID). */
public record ConvertedRule(ProtoRule rule, List<IpSetSpec> ipSets) {
    public ConvertedRule {
        ipSets = List.copyOf(ipSets);
    }
}
