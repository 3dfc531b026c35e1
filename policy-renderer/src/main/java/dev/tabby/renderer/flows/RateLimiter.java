package dev.tabby.renderer.flows;

/**
 * At most {@code perSecond} items (connections, for {@link ConnectionSampler}) a second, as a token bucket holding one second's worth (so a burst after a quiet
 * moment passes whole, and a sustained flood is cut to the rate); the rest are dropped and counted. The caller's
 * clock, in nanoseconds, is passed in, so tests need no sleeping. Not thread-safe: the NFLOG reader's thread owns it.
 */
final class RateLimiter {
    private long perSecond;
    private double tokens;
    private long lastNanos;
    private boolean started;
    private long dropped;

    RateLimiter(long perSecond) {
        setRate(perSecond);
        this.tokens = perSecond;
    }

    /** A new rate, from the next verdict on; the bucket never holds more than a second of it. */
    void setRate(long perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("flow-log rate limit must be at least 1 connection per second, was "
                    + perSecond);
        }
        this.perSecond = perSecond;
        tokens = Math.min(tokens, perSecond);
    }

    /** Whether one more verdict may be recorded at {@code nowNanos}; false counts it as dropped. */
    boolean tryAcquire(long nowNanos) {
        if (started) {
            long elapsed = Math.max(0, nowNanos - lastNanos);
            tokens = Math.min(perSecond, tokens + elapsed * (perSecond / 1e9));
        }
        started = true;
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        dropped++;
        return false;
    }

    long dropped() {
        return dropped;
    }
}
