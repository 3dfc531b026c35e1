package dev.tabby.testbed.interop;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tabby.testbed.bench.PeeringLab;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds or a deadline passes: BGP converges in its own time, which is not under test. */
final class Eventually {
    static final Duration CONVERGE = Duration.ofSeconds(60);

    private Eventually() {
    }

    static <T> T until(String what, Supplier<T> probe, Predicate<T> done, PeeringLab lab) {
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
                + (lastError != null ? lastError : last) + lab.logs());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
