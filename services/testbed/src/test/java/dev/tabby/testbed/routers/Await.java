package dev.tabby.testbed.routers;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds or a deadline passes: BGP converges in its own time, which is not under test. */
public final class Await {
    public static final Duration CONVERGE = Duration.ofSeconds(60);

    private Await() {
    }

    /** {@code logs} gives the daemons' logs to print when the deadline passes. */
    public static <T> T until(String what, Supplier<T> probe, Predicate<T> done, Supplier<String> logs) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            sleep(250);
        }
        return fail(what + " did not happen within " + CONVERGE.toSeconds() + " s; last seen: "
                + (lastError != null ? lastError : last) + logs.get());
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
