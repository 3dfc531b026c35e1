package dev.tabby.vxlan.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls until a condition holds, failing with the last observation when it never does. */
public final class Await {
    private Await() {
    }

    /** Waits until {@code check} returns null (satisfied); a non-null return says what is still wrong. */
    public static void until(Duration timeout, String what, Supplier<String> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (true) {
            try {
                last = check.get();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            if (last == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " not within " + timeout.toSeconds() + " s: " + last);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
