package dev.tabby.renderer.flows;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flow-log rate limit, decided per connection: the first verdict of a connection takes a token from the
 * {@link RateLimiter} (or is refused one), and every later verdict of that connection gets the same answer, so the
 * egress verdict of a client and the ingress verdict of a server on this node are kept or dropped together, as are
 * retransmitted first packets. The record's {@code sampling} is then the share of connections kept, true for both
 * directions alike. Decisions are remembered for the last {@code capacity} connections: a connection's verdicts come
 * within microseconds of each other (one packet crossing both endpoints' chains), its retransmissions within seconds.
 * Not thread-safe: the NFLOG reader's thread owns it.
 */
final class ConnectionSampler {
    /** What became of one verdict; the NEW ones are a connection's first verdict, which counts it for sampling. */
    enum Decision {
        KEEP_NEW, DROP_NEW, KEEP, DROP;

        boolean keep() {
            return this == KEEP_NEW || this == KEEP;
        }

        boolean isNew() {
            return this == KEEP_NEW || this == DROP_NEW;
        }
    }

    private final RateLimiter limiter;
    private final Map<ConnectionKey, Boolean> decided;

    ConnectionSampler(long perSecond, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the sampler must remember at least 1 connection, was " + capacity);
        }
        this.limiter = new RateLimiter(perSecond);
        this.decided = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ConnectionKey, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A new rate of connections per second, from the next new connection on. */
    void setRate(long perSecond) {
        limiter.setRate(perSecond);
    }

    /** Whether the verdict of {@code connection} at {@code nowNanos} is kept, and whether it was the connection's first. */
    Decision decide(ConnectionKey connection, long nowNanos) {
        Boolean before = decided.get(connection);
        if (before != null) {
            return before ? Decision.KEEP : Decision.DROP;
        }
        boolean keep = limiter.tryAcquire(nowNanos);
        decided.put(connection, keep);
        return keep ? Decision.KEEP_NEW : Decision.DROP_NEW;
    }
}
