package dev.tabby.bgpspeaker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.datastore.testing.EtcdExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The route claim in a real etcd, with the kernel loop played by the test: it decides when the loop's re-read is
 * armed and when an apply succeeds, so each step of the hand-over to ipip-manager can be checked in order.
 */
class RouteClaimTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How long a write that must not happen is given to show up before the test says it did not. */
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final String WAITING = RouteClaims.value("bgp-speaker", RouteClaims.WAITING);
    private static final String PROGRAMMING = RouteClaims.value("bgp-speaker", RouteClaims.PROGRAMMING);

    /** The kernel loop: re-reads asked for wait in a queue, and the test runs applies itself. */
    private static final class TestLoop implements RouteClaim.KernelLoop {
        final BlockingQueue<Runnable> rereads = new LinkedBlockingQueue<>();
        volatile Runnable applied;

        @Override
        public void resyncThen(Runnable armed) {
            rereads.add(armed);
        }

        @Override
        public void onKernelApplied(Runnable listener) {
            applied = listener;
        }

        Runnable nextReread() throws InterruptedException {
            Runnable r = rereads.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(r, "the claim asked the kernel loop to re-read the kernel");
            return r;
        }

        void applySucceeded() {
            applied.run();
        }
    }

    @Test
    void waitingUntilAnApplyAfterTheRereadThenProgrammingAndGoneAtOnceOnClose() throws Exception {
        String node = "claim-a";
        String key = RouteClaims.of(node);
        TestLoop loop = new TestLoop();
        try (KeyValueStore store = KeyValueStore.connect(ETCD.config())) {
            RouteClaim claim = new RouteClaim(store, node, loop, TTL).start();
            try {
                await("the claim, waiting", () -> value(store, key).equals(Optional.of(WAITING)));
                Runnable reread = loop.nextReread();

                loop.applySucceeded(); // an apply that ran before the re-read: it may not have seen ipip-manager's routes
                Thread.sleep(QUIET.toMillis());
                assertEquals(Optional.of(WAITING), value(store, key), "an apply before the re-read does not count");

                reread.run();
                loop.applySucceeded();
                await("the claim, programming", () -> value(store, key).equals(Optional.of(PROGRAMMING)));
                long version = version(store, key);
                loop.applySucceeded();
                Thread.sleep(QUIET.toMillis());
                assertEquals(version, version(store, key), "later applies write nothing more");
                assertEquals(2, version, "written twice in all: waiting, then programming");
            } finally {
                claim.close();
            }
            assertEquals(Optional.empty(), store.get(key), "a clean stop revokes the claim at once");
        }
    }

    @Test
    void aRetakeSaysWaitingAgainUntilAnApplyAfterItsOwnReread() throws Exception {
        String node = "claim-b";
        String key = RouteClaims.of(node);
        TestLoop loop = new TestLoop();
        try (KeyValueStore store = KeyValueStore.connect(ETCD.config());
                RouteClaim claim = new RouteClaim(store, node, loop, TTL).start()) {
            loop.nextReread().run();
            loop.applySucceeded();
            await("the claim, programming", () -> value(store, key).equals(Optional.of(PROGRAMMING)));

            store.delete(key); // as if the lease had been lost: ipip-manager may have taken the routes meanwhile

            await("the claim back, waiting", () -> value(store, key).equals(Optional.of(WAITING)));
            Runnable reread = loop.nextReread();
            loop.applySucceeded();
            Thread.sleep(QUIET.toMillis());
            assertEquals(Optional.of(WAITING), value(store, key), "an apply before the retake's re-read does not count");

            reread.run();
            loop.applySucceeded();
            await("the claim, programming again", () -> value(store, key).equals(Optional.of(PROGRAMMING)));
        }
    }

    @Test
    void programmingMeantForALostTakeIsNeverWrittenUnderTheNext() throws Exception {
        String node = "claim-c";
        String key = RouteClaims.of(node);
        TestLoop loop = new TestLoop();
        try (KeyValueStore store = KeyValueStore.connect(ETCD.config());
                RouteClaim claim = new RouteClaim(store, node, loop, TTL).start()) {
            Runnable firstReread = loop.nextReread();
            await("the claim, waiting", () -> value(store, key).equals(Optional.of(WAITING)));
            long firstCreated = store.get(key).orElseThrow().createRevision();

            store.delete(key);
            await("the claim back", () -> store.get(key).map(e -> e.createRevision() != firstCreated).orElse(false));
            Runnable secondReread = loop.nextReread();

            firstReread.run(); // the first take's re-read and apply finish only now, under the second take
            loop.applySucceeded();
            Thread.sleep(QUIET.toMillis());
            assertEquals(Optional.of(WAITING), value(store, key), "the first take's programming is dropped");

            secondReread.run();
            loop.applySucceeded();
            await("the claim, programming", () -> value(store, key).equals(Optional.of(PROGRAMMING)));
        }
    }

    private static Optional<String> value(KeyValueStore store, String key) {
        return store.get(key).map(KvEntry::valueAsString);
    }

    private static long version(KeyValueStore store, String key) throws Exception {
        return store.client().getKVClient().get(EtcdKeys.bytes(key)).get(5, TimeUnit.SECONDS).getKvs().get(0)
                .getVersion();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("waited " + WAIT + " for " + what);
    }
}
