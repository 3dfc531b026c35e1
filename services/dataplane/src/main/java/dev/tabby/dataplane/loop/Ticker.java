package dev.tabby.dataplane.loop;

/**
 * A monotonic clock in nanoseconds. The loop's timing reads only this, so tests drive it with a fake and never sleep.
 */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
