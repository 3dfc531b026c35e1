package dev.tabby.ipam;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What to do after a lost compare-and-swap: wait a random pause that grows with the attempt (full jitter, so racing
 * writers spread out instead of colliding again in step), and give up after a bounded number of attempts.
 */
final class Retry {
    static final int DEFAULT_ATTEMPTS = 100;
    static final Duration DEFAULT_MAX_PAUSE = Duration.ofMillis(50);

    private final int maxAttempts;
    private final long maxPauseNanos;

    Retry(int maxAttempts, Duration maxPause) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.maxPauseNanos = maxPause.toNanos();
    }

    static Retry standard() {
        return new Retry(DEFAULT_ATTEMPTS, DEFAULT_MAX_PAUSE);
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Called when attempt number {@code attempt} (from 0) lost a race. Returns after the pause, ready for the next
     * attempt, or throws {@link TooManyConflictsException} when that was the last one allowed.
     */
    void afterConflict(int attempt, String operation, RuntimeException conflict) {
        if (attempt + 1 >= maxAttempts) {
            throw new TooManyConflictsException(operation + " lost its compare-and-swap " + maxAttempts
                    + " times in a row (last: " + conflict.getMessage() + "); too many concurrent IPAM writers, try again",
                    conflict);
        }
        long ceiling = Math.min(maxPauseNanos, TimeUnit.MILLISECONDS.toNanos(1L << Math.min(attempt, 10)));
        long pause = ThreadLocalRandom.current().nextLong(ceiling + 1);
        try {
            TimeUnit.NANOSECONDS.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpamException("interrupted while retrying " + operation, e);
        }
    }
}
