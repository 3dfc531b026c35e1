package dev.tabby.cni.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContainerLocksTest {

    @Test
    void oneContainerWaitsForItselfOnlyAndNoLockOutlivesItsCalls() throws Exception {
        ContainerLocks locks = new ContainerLocks();
        CountDownLatch secondWaiting = new CountDownLatch(1);
        CompletableFuture<Void> second;
        try (ContainerLocks.Held a = locks.lock("a/eth0")) {
            // Another container goes through at once.
            CompletableFuture.runAsync(() -> {
                try (ContainerLocks.Held b = locks.lock("b/eth0")) {
                    assertEquals(2, locks.size());
                }
            }).get(10, TimeUnit.SECONDS);
            // The same container waits.
            second = CompletableFuture.runAsync(() -> {
                secondWaiting.countDown();
                try (ContainerLocks.Held again = locks.lock("a/eth0")) {
                    assertEquals(1, locks.size());
                }
            });
            assertTrue(secondWaiting.await(10, TimeUnit.SECONDS));
            Thread.sleep(200);
            assertFalse(second.isDone(), "a second call for the same container waits for the first");
        }
        second.get(10, TimeUnit.SECONDS);
        assertEquals(0, locks.size(), "no lock is kept for a container without calls");
    }
}
