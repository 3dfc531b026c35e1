package dev.tabby.dataplane.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The thread around {@link LoopCore}: updates run on it, in order, and batch into one apply. */
class ApplyLoopTest {
    private static final LoopSettings SETTINGS = LoopSettings.defaults("test");

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5s");
            Thread.sleep(5);
        }
    }

    @Test
    void updatesBeforeInSyncAreRecordedThenAppliedOnce() throws InterruptedException {
        AtomicInteger applies = new AtomicInteger();
        int[] recorded = {0};
        try (ApplyLoop loop = new ApplyLoop(SETTINGS, () -> {
            applies.incrementAndGet();
            return ApplyResult.NOTHING;
        }, () -> { }).start()) {
            for (int i = 0; i < 1000; i++) {
                loop.onUpdate(() -> recorded[0]++);
            }
            loop.markDirty();
            CountDownLatch drained = new CountDownLatch(1);
            loop.onUpdate(drained::countDown);
            assertTrue(drained.await(5, TimeUnit.SECONDS));
            assertEquals(0, applies.get(), "no kernel write before in-sync");

            loop.markInSync();
            await(() -> loop.status().ready());
            assertEquals(1, applies.get());
            assertEquals(1000, recorded[0]);
        }
    }

    @Test
    void updatesDuringAnApplyCoalesceIntoOneMore() throws InterruptedException {
        AtomicInteger applies = new AtomicInteger();
        CountDownLatch firstApplyStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstApply = new CountDownLatch(1);
        try (ApplyLoop loop = new ApplyLoop(SETTINGS, () -> {
            if (applies.incrementAndGet() == 1) {
                firstApplyStarted.countDown();
                try {
                    releaseFirstApply.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ApplyResult.NOTHING;
        }, () -> { }).start()) {
            loop.markInSync();
            assertTrue(firstApplyStarted.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 100; i++) {
                loop.onUpdate(() -> { });
                loop.markDirty();
            }
            releaseFirstApply.countDown();
            await(() -> loop.counters().applies() == 2);
            Thread.sleep(50);
            assertEquals(2, applies.get());
            assertTrue(loop.turning(Duration.ofSeconds(1)));
        }
    }

    @Test
    void aFailingUpdateDoesNotStopTheLoop() throws InterruptedException {
        try (ApplyLoop loop = new ApplyLoop(SETTINGS, () -> ApplyResult.NOTHING, () -> { }).start()) {
            loop.onUpdate(() -> {
                throw new IllegalStateException("bad update");
            });
            loop.markInSync();
            await(() -> loop.status().ready());
        }
    }

    @Test
    void closeStopsTheThread() {
        ApplyLoop loop = new ApplyLoop(SETTINGS, () -> ApplyResult.NOTHING, () -> { }).start();
        loop.close();
        assertFalse(loop.turning(Duration.ofDays(1)));
    }
}
