package dev.tabby.dataplane.loop;

import java.time.Duration;

/**
 * How an apply loop paces itself.
 *
 * @param name           the service or manager, for the thread name and logs: {@code vxlan-manager}
 * @param resyncInterval how often the drivers re-read the kernel to repair drift; zero turns periodic resync off
 * @param backoff        retry pacing after failed applies
 */
public record LoopSettings(String name, Duration resyncInterval, Backoff backoff) {
    /** Felix's default route refresh interval. */
    public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofSeconds(90);

    public LoopSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an apply loop needs a name, e.g. the service's");
        }
        if (resyncInterval.isNegative()) {
            throw new IllegalArgumentException("resync interval must be zero (off) or positive, not " + resyncInterval);
        }
    }

    public static LoopSettings defaults(String name) {
        return new LoopSettings(name, DEFAULT_RESYNC_INTERVAL, Backoff.DEFAULT);
    }

    public LoopSettings withResyncInterval(Duration interval) {
        return new LoopSettings(name, interval, backoff);
    }

    public LoopSettings withBackoff(Backoff newBackoff) {
        return new LoopSettings(name, resyncInterval, newBackoff);
    }
}
