package dev.tabby.datastore.syncer;

/** Pauses between attempts that keep failing: {@code first}, doubling, at most {@code max}. */
final class Backoff {

    private final long firstNanos;
    private final long maxNanos;
    private long nextNanos;

    Backoff(long firstNanos, long maxNanos) {
        this.firstNanos = firstNanos;
        this.maxNanos = Math.max(firstNanos, maxNanos);
        this.nextNanos = firstNanos;
    }

    /** The pause before the next attempt; each call doubles the one after, up to the maximum. */
    long next() {
        long pause = nextNanos;
        nextNanos = Math.min(maxNanos, nextNanos * 2);
        return pause;
    }

    /** It worked: the next failure starts again at the first pause. */
    void reset() {
        nextNanos = firstNanos;
    }
}
