package dev.tabby.policy.calc;

import java.util.Set;

/** Members to add to and remove from one IP set, by its ID. */
public record IpSetDelta(String setId, Set<String> added, Set<String> removed) {
    public IpSetDelta {
        added = Set.copyOf(added);
        removed = Set.copyOf(removed);
    }
}
