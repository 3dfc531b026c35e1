package dev.tabby.bgp.rib;

import dev.tabby.bgp.wire.Prefix;

/**
 * The best route for a prefix changed: {@code before} null means the prefix is new, {@code after} null means the
 * prefix has no route any more (withdraw it from the kernel and from Adj-RIB-Out).
 */
public record BestChange(Prefix prefix, Route before, Route after) {
    public boolean gone() {
        return after == null;
    }
}
