package dev.tabby.datastore.syncer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.RecordingCallbacks;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A slow consumer, a consumer that throws, and a bug on the syncer thread: none may leave a gap. */
class SyncerFailureTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private KeyValueStore store;
    private final List<Syncer> syncers = new ArrayList<>();

    @BeforeEach
    void connect() {
        store = KeyValueStore.connect(ETCD.config());
    }

    @AfterEach
    void cleanUp() {
        syncers.forEach(Syncer::close);
        store.close();
    }

    @Test
    void slowConsumerIsHeldToTheQueueBoundAndThenGetsExactlyEtcdsState() {
        String prefix = "/backpressure/";
        int bound = 300;
        for (int i = 0; i < 50; i++) {
            store.put(prefix + "seed" + i, bytes("0"));
        }
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("backpressure", prefix).withMaxPendingChanges(bound, Duration.ofMillis(100)),
                consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);

        consumer.block();
        store.put(prefix + "first", bytes("1")); // the syncer thread gets stuck delivering this
        for (int round = 0; round < 2; round++) { // creates, then modifies: 3,000 changes in all
            for (int batch = 0; batch < 15; batch++) {
                List<KvEntry> entries = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String key = prefix + "k" + (batch * 100 + i);
                    entries.add(new KvEntry(key, bytes("r" + round), 0, 0));
                }
                store.putAll(entries);
                assertTrue(syncer.counters().pendingChanges() <= bound, syncer.counters().toString());
            }
        }
        for (int i = 0; i < 20; i++) {
            store.delete(prefix + "seed" + i);
        }
        await(() -> "the watch to overflow while the consumer is stuck: " + syncer.counters(),
                () -> syncer.counters().overflows() >= 1);
        assertTrue(syncer.counters().pendingChanges() <= bound, syncer.counters().toString());
        consumer.release();

        consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
        SyncerCounters counters = syncer.counters();
        assertTrue(counters.maxPendingChanges() <= bound, "the queue grew past its bound: " + counters);
        // Not "maxPendingChanges > 0": when etcd hands the lagging watch its changes in batches larger than the bound,
        // every batch is refused and nothing is ever queued (a CI run saw exactly that); the overflow awaited above is
        // what shows the bound held.
        assertTrue(counters.resyncs() >= 1, "the overflow is repaired by a re-list: " + counters);
        assertNoDuplicates(consumer);
        assertEquals(0, consumer.statuses().lastIndexOf(SyncStatus.WAIT_FOR_DATASTORE),
                "a slow consumer is not a lost datastore: " + consumer.statuses());

        store.put(prefix + "later", bytes("x"));
        consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
    }

    @Test
    void consumerThatThrowsGetsTheSameChangesAgainIncludingADelete() throws Exception {
        String prefix = "/throws/";
        store.put(prefix + "modified", bytes("1"));
        store.put(prefix + "deleted", bytes("1"));
        RecordingCallbacks recorder = new RecordingCallbacks();
        AtomicBoolean thrown = new AtomicBoolean();
        SyncerCallbacks consumer = new Delegate(recorder) {
            @Override
            public void onUpdates(List<Update> updates) {
                if (updates.stream().anyMatch(u -> u.key().endsWith("/deleted") && u.isDelete())
                        && thrown.compareAndSet(false, true)) {
                    throw new IllegalStateException("consumer bug, before applying anything");
                }
                super.onUpdates(updates);
            }
        };
        Syncer syncer = start(config("throws", prefix), consumer);
        recorder.awaitStatus(SyncStatus.IN_SYNC, WAIT);
        int statusesBefore = recorder.statuses().size();
        int updatesBefore = recorder.updates().size();

        // One transaction, so one watch batch: a create, a modify and a delete.
        store.client().getKVClient().txn().Then(
                Op.put(key(prefix + "created"), ByteSequence.from(bytes("new")), PutOption.DEFAULT),
                Op.put(key(prefix + "modified"), ByteSequence.from(bytes("2")), PutOption.DEFAULT),
                Op.delete(key(prefix + "deleted"), DeleteOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);

        recorder.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
        assertTrue(thrown.get(), "the consumer was made to throw");
        List<Update> redelivered = recorder.updates().subList(updatesBefore, recorder.updates().size());
        assertTrue(redelivered.stream().allMatch(Update::fromList), redelivered.toString());
        assertEquals(List.of(Update.Kind.CREATED, Update.Kind.DELETED, Update.Kind.MODIFIED),
                kindsByKey(redelivered, prefix + "created", prefix + "deleted", prefix + "modified"),
                "the failed batch comes again by a re-list: " + recorder.updates());
        SyncerCounters counters = syncer.counters();
        assertEquals(1, counters.consumerFailures(), counters.toString());
        assertTrue(counters.resyncs() >= 1, counters.toString());
        assertEquals(List.of(SyncStatus.RESYNC, SyncStatus.IN_SYNC),
                recorder.statuses().subList(statusesBefore, recorder.statuses().size()),
                "out of sync until the consumer has the changes");
        assertNoDuplicates(recorder);

        store.put(prefix + "later", bytes("x"));
        recorder.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
    }

    @Test
    void consumerThatThrowsOnStatusIsToldAgain() {
        String prefix = "/status-throws/";
        RecordingCallbacks recorder = new RecordingCallbacks();
        AtomicBoolean thrown = new AtomicBoolean();
        SyncerCallbacks consumer = new Delegate(recorder) {
            @Override
            public void onStatus(SyncStatus status) {
                if (status == SyncStatus.IN_SYNC && thrown.compareAndSet(false, true)) {
                    throw new IllegalStateException("consumer bug in onStatus");
                }
                super.onStatus(status);
            }
        };
        Syncer syncer = start(config("status-throws", prefix), consumer);
        recorder.awaitStatus(SyncStatus.IN_SYNC, WAIT);
        assertTrue(thrown.get());
        assertEquals(SyncStatus.IN_SYNC, syncer.status());
        store.put(prefix + "a", bytes("1"));
        recorder.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
    }

    @Test
    void errorOnTheSyncerThreadIsSurvivedWithAResync() {
        String prefix = "/fault/";
        store.put(prefix + "seed", bytes("1"));
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("fault", prefix), consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
        int statusesBefore = consumer.statuses().size();

        AtomicBoolean fired = new AtomicBoolean();
        syncer.injectFaultForTest(key -> key.endsWith("/boom") && fired.compareAndSet(false, true));
        // One batch: /a is applied before /boom blows up mid-batch, /z after it is never reached.
        store.putAll(List.of(new KvEntry(prefix + "a", bytes("1"), 0, 0),
                new KvEntry(prefix + "boom", bytes("1"), 0, 0), new KvEntry(prefix + "z", bytes("1"), 0, 0)));
        consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
        assertTrue(fired.get(), "the fault fired");
        assertEquals(1, syncer.counters().internalErrors(), syncer.counters().toString());
        assertEquals(List.of(SyncStatus.RESYNC, SyncStatus.IN_SYNC),
                consumer.statuses().subList(statusesBefore, consumer.statuses().size()),
                "out of IN_SYNC while recovering");

        // The thread lives on and keeps watching.
        store.put(prefix + "later", bytes("x"));
        store.delete(prefix + "a");
        consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
        assertNoDuplicates(consumer);
    }

    private static List<Update.Kind> kindsByKey(List<Update> updates, String... keys) {
        List<Update.Kind> kinds = new ArrayList<>();
        for (String key : keys) {
            updates.stream().filter(u -> u.key().equals(key)).forEach(u -> kinds.add(u.kind()));
        }
        return kinds;
    }

    /** Per key, delivered revisions strictly increase: no repeats, no going back. */
    private static void assertNoDuplicates(RecordingCallbacks consumer) {
        Map<String, Long> last = new HashMap<>();
        for (Update u : consumer.updates()) {
            Long before = last.put(u.key(), u.modRevision());
            assertTrue(before == null || u.modRevision() > before,
                    "key " + u.key() + " got revision " + u.modRevision() + " after " + before);
        }
        assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
    }

    private static void await(java.util.function.Supplier<String> what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get());
            }
        }
    }

    private static SyncerConfig config(String id, String prefix) {
        return SyncerConfig.of(id, List.of(prefix)).withMinResyncInterval(Duration.ofMillis(100))
                .withCanary(Duration.ZERO, Duration.ofSeconds(1));
    }

    private Syncer start(SyncerConfig config, SyncerCallbacks consumer) {
        Syncer syncer = new Syncer(store, config, consumer);
        syncers.add(syncer);
        syncer.start();
        return syncer;
    }

    private static ByteSequence key(String key) {
        return EtcdKeys.bytes(key);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /** Passes everything on to a recorder; tests override one method to misbehave. */
    private static class Delegate implements SyncerCallbacks {
        private final RecordingCallbacks target;

        Delegate(RecordingCallbacks target) {
            this.target = target;
        }

        @Override
        public void onUpdates(List<Update> updates) {
            target.onUpdates(updates);
        }

        @Override
        public void onStatus(SyncStatus status) {
            target.onStatus(status);
        }
    }
}
