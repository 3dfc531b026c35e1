package dev.tabby.dataplane.loop;

import java.time.Duration;

/**
 * Exponential retry delay after failed applies: {@code initial}, then doubling, never above {@code max}. It keeps a
 * persistently failing object (a route to a gone device) from turning the loop into a hot spin.
 */
public record Backoff(Duration initial, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff initial delay must be positive, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max " + max + " is shorter than its initial delay " + initial);
        }
    }

    /** The wait before the next attempt after {@code consecutiveFailures} (1 or more) failures in a row. */
    public Duration delayAfter(int consecutiveFailures) {
        if (consecutiveFailures < 1) {
            return Duration.ZERO;
        }
        Duration delay = initial;
        for (int i = 1; i < consecutiveFailures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
