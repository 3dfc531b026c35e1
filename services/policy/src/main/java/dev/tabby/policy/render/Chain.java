package dev.tabby.policy.render;

import java.util.List;

/** A named iptables chain and its rules in order. */
public record Chain(String name, List<IptRule> rules) {
    public Chain {
        rules = List.copyOf(rules);
    }
}
