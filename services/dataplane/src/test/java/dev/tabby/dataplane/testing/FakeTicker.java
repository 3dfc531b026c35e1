package dev.tabby.dataplane.testing;

import dev.tabby.dataplane.loop.Ticker;
import java.time.Duration;

/** A clock that moves only when the test says so. */
public final class FakeTicker implements Ticker {
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    public void advance(Duration d) {
        now += d.toNanos();
    }

    /** Time since the ticker was made, for readable assertions. */
    public Duration elapsed() {
        return Duration.ofNanos(now - 1_000_000_000L);
    }
}
