package dev.tabby.cni.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CNI daemon's call threads: reused when idle, grown only when busy, bounded, and gone when quiet. */
class CallPoolTest {
    private static ThreadPoolExecutor pool(int max, long idleMillis) {
        return CallPool.create(max, idleMillis, r -> {
            Thread t = new Thread(r, "call-test");
            t.setDaemon(true);
            return t;
        });
    }

    private static Runnable awaiting(CountDownLatch release, AtomicInteger done) {
        return () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.incrementAndGet();
        };
    }

    @Test
    void callsOneAfterAnotherShareAThread() throws Exception {
        ThreadPoolExecutor pool = pool(32, 10_000);
        try {
            for (int i = 0; i < 50; i++) {
                CompletableFuture.runAsync(() -> { }, pool).get(10, TimeUnit.SECONDS);
                // Let the thread get back to waiting for the next call, as it has between two pods' ADDs.
                for (int w = 0; w < 100 && pool.getActiveCount() > 0; w++) {
                    Thread.sleep(1);
                }
                Thread.sleep(5);
            }
            // A fixed pool of 32 would have started 32 threads for these 50 calls.
            assertTrue(pool.getLargestPoolSize() <= 2, "threads started: " + pool.getLargestPoolSize());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void busyThreadsGrowThePoolToItsMaximumAndTheRestWaitInLine() throws Exception {
        ThreadPoolExecutor pool = pool(8, 10_000);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        try {
            for (int i = 0; i < 40; i++) {
                pool.execute(awaiting(release, done));
            }
            assertEquals(8, pool.getPoolSize(), "one thread per busy call, up to the maximum");
            assertEquals(32, pool.getQueue().size(), "the rest wait in line");
            release.countDown();
            for (int w = 0; w < 1000 && done.get() < 40; w++) {
                Thread.sleep(10);
            }
            assertEquals(40, done.get(), "every call waiting in line was served");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idleThreadsEnd() throws Exception {
        ThreadPoolExecutor pool = pool(8, 200);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        try {
            for (int i = 0; i < 4; i++) {
                pool.execute(awaiting(release, done));
            }
            assertEquals(4, pool.getPoolSize());
            release.countDown();
            for (int w = 0; w < 500 && pool.getPoolSize() > 0; w++) {
                Thread.sleep(10);
            }
            assertEquals(4, done.get());
            assertEquals(0, pool.getPoolSize(), "a quiet daemon keeps no call thread");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aShutDownPoolRefusesCalls() {
        ThreadPoolExecutor pool = pool(2, 1_000);
        pool.shutdown();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
        assertTrue(e.getMessage().contains("shutting down"), e.getMessage());
    }
}
