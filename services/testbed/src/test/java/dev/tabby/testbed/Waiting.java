package dev.tabby.testbed;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition of a running testbed until it holds or {@code limit} passes (convergence, not speed, is tested). */
final class Waiting {
    private Waiting() {
    }

    static void await(Duration limit, BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " (waited " + limit.toSeconds() + " s)");
            }
            Thread.sleep(200);
        }
    }
}
