package dev.tabby.datastore.syncer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.RecordingCallbacks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SyncerTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration WAIT = Duration.ofSeconds(20);

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
    void listsThenReportsInSyncThenStreamsChanges() {
        for (int i = 0; i < 30; i++) {
            store.create("/initial/a/k" + i, bytes("v" + i));
        }
        store.create("/initial/b/only", bytes("b"));
        store.create("/initial/c/ignored", bytes("not watched"));
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("initial", "/initial/a/", "/initial/b/"), consumer);

        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
        assertEquals(List.of(SyncStatus.WAIT_FOR_DATASTORE, SyncStatus.RESYNC, SyncStatus.IN_SYNC),
                consumer.statuses());
        assertEquals(31, consumer.state().size(), "every listed key arrives before IN_SYNC");

        long rev = store.put("/initial/a/k0", bytes("changed"));
        store.delete("/initial/b/only");
        store.put("/initial/c/ignored", bytes("still not watched"));
        consumer.awaitState(WAIT, () -> etcd("/initial/a/", "/initial/b/"));
        Update change = consumer.updates().stream().filter(u -> u.key().equals("/initial/a/k0") && !u.fromList())
                .findFirst().orElseThrow();
        assertEquals(Update.Kind.MODIFIED, change.kind());
        assertEquals(rev, change.modRevision());
        assertEquals("changed", new String(change.value(), UTF_8));
        assertEquals(0, syncer.counters().resyncs());
        assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
    }

    @Test
    void compactionWhileTheWatchIsDownResyncsToExactlyEtcdsState() throws Exception {
        String prefix = "/compact/";
        Map<String, Long> revs = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            revs.put(prefix + "k" + i, store.create(prefix + "k" + i, bytes("v" + i)));
        }
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("compact", prefix), consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);

        syncer.pauseWatchesForTest().get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            store.update(prefix + "k" + i, bytes("changed" + i), revs.get(prefix + "k" + i));
        }
        for (int i = 5; i < 10; i++) {
            store.delete(prefix + "k" + i, revs.get(prefix + "k" + i));
        }
        for (int i = 20; i < 25; i++) {
            store.create(prefix + "k" + i, bytes("new" + i));
        }
        store.create(prefix + "ephemeral", bytes("gone before anyone looks"));
        store.delete(prefix + "ephemeral");
        ETCD.etcdctl().compact(store.currentRevision());

        // Re-opening the watch where it stopped now hits ErrCompacted, which forces a re-list.
        syncer.resumeWatchesForTest().get(5, TimeUnit.SECONDS);
        consumer.awaitState(WAIT, () -> etcd(prefix));

        SyncerCounters counters = syncer.counters();
        assertTrue(counters.resyncs() >= 1, counters.toString());
        assertTrue(counters.watchFailures() >= 1, counters.toString());
        assertTrue(consumer.updates().stream().noneMatch(u -> u.key().endsWith("ephemeral")),
                "a key created and deleted while we were away is never reported");
        long syntheticDeletes = consumer.updates().stream().filter(u -> u.isDelete() && u.fromList()).count();
        assertEquals(5, syntheticDeletes);
        assertNoDuplicates(consumer);

        // And the syncer carries on watching afterwards.
        store.put(prefix + "after", bytes("x"));
        consumer.awaitState(WAIT, () -> etcd(prefix));
    }

    /** Issue 16: a list is handed over page by page; only the complete list may delete. */
    @Test
    void aListOfManyPagesDeliversEveryPageBeforeInSyncAndARelistDeletesExactlyWhatWent() throws Exception {
        String prefix = "/pages/";
        Map<String, Long> revs = new HashMap<>();
        for (int i = 0; i < 25; i++) {
            revs.put(prefix + "k" + (char) ('a' + i), store.create(prefix + "k" + (char) ('a' + i), bytes("v" + i)));
        }
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("pages", prefix).withListPageSize(4), consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
        assertEquals(List.of(SyncStatus.WAIT_FOR_DATASTORE, SyncStatus.RESYNC, SyncStatus.IN_SYNC),
                consumer.statuses());
        assertEquals(25, consumer.state().size(), "all seven pages arrive before IN_SYNC");

        syncer.pauseWatchesForTest().get(5, TimeUnit.SECONDS);
        // Deleted from the first, a middle and the last page; one changed in between.
        for (String gone : List.of("ka", "kj", "ky")) {
            store.delete(prefix + gone, revs.get(prefix + gone));
        }
        store.update(prefix + "kk", bytes("changed"), revs.get(prefix + "kk"));
        ETCD.etcdctl().compact(store.currentRevision());
        syncer.resumeWatchesForTest().get(5, TimeUnit.SECONDS);
        consumer.awaitState(WAIT, () -> etcd(prefix));
        assertEquals(List.of(prefix + "ka", prefix + "kj", prefix + "ky"), consumer.updates().stream()
                .filter(u -> u.isDelete() && u.fromList()).map(Update::key).sorted().toList());
        assertNoDuplicates(consumer);
        assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
    }

    @Test
    void slowConsumerLosesNothingAcrossACompaction() {
        String prefix = "/slow/";
        store.create(prefix + "seed", bytes("0"));
        RecordingCallbacks consumer = new RecordingCallbacks();
        start(config("slow", prefix), consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);

        consumer.block();
        store.put(prefix + "first", bytes("1")); // the syncer thread gets stuck delivering this
        for (int i = 0; i < 50; i++) {
            store.put(prefix + "k" + (i % 10), bytes("v" + i));
        }
        store.delete(prefix + "seed");
        ETCD.etcdctl().compact(store.currentRevision());
        consumer.release();

        consumer.awaitState(WAIT, () -> etcd(prefix));
        assertNoDuplicates(consumer);
    }

    @Test
    void silentWatchIsCaughtByTheCanaryAndResynced() {
        String prefix = "/silent/";
        store.create(prefix + "a", bytes("1"));
        RecordingCallbacks consumer = new RecordingCallbacks();
        // The probe would catch it too (silentWatchIsCaughtByTheProbe); keep it out of the way here.
        SyncerConfig config = config("silent", prefix).withCanary(Duration.ofMillis(300), Duration.ofMillis(700))
                .withProbe(Duration.ofMinutes(10), Duration.ofSeconds(3));
        Syncer syncer = start(config, consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);

        syncer.muteWatchesForTest().join();
        store.put(prefix + "a", bytes("2"));
        store.put(prefix + "b", bytes("new"));
        consumer.awaitState(WAIT, () -> etcd(prefix));
        assertTrue(syncer.counters().canaryFailures() >= 1, syncer.counters().toString());
        assertTrue(syncer.counters().resyncs() >= 1, syncer.counters().toString());
        assertTrue(store.get(config.canaryKey()).isPresent(), "the canary writes its key");
        assertTrue(consumer.updates().stream().noneMatch(u -> u.key().startsWith("/tabby/")));
    }

    @Test
    void silentWatchIsCaughtByTheProbe() {
        String prefix = "/probe-silent/";
        store.create(prefix + "a", bytes("1"));
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("probe-silent", prefix).withProbe(Duration.ofMillis(200), Duration.ofMillis(700)),
                consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);

        syncer.muteWatchesForTest().join();
        store.put(prefix + "a", bytes("2"));
        store.put(prefix + "b", bytes("new"));
        consumer.awaitState(WAIT, () -> etcd(prefix));
        SyncerCounters counters = syncer.counters();
        assertTrue(counters.probeFailures() >= 1, counters.toString());
        assertTrue(counters.resyncs() >= 1, counters.toString());
        assertEquals(0, counters.canaryFailures(), "the canary is off in this test");
        assertEquals(SyncStatus.IN_SYNC, syncer.status(), "etcd answered all along: a silent watch is no lost datastore");
        assertEquals(1, consumer.statuses().stream().filter(s -> s == SyncStatus.IN_SYNC).count(), consumer.statuses()
                .toString());
    }

    @Test
    void healthyCanaryNeverResyncs() throws Exception {
        String prefix = "/healthy/";
        RecordingCallbacks consumer = new RecordingCallbacks();
        SyncerConfig config = config("healthy", prefix).withCanary(Duration.ofMillis(100), Duration.ofMillis(500));
        Syncer syncer = start(config, consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
        Thread.sleep(1500);
        assertEquals(0, syncer.counters().canaryFailures(), syncer.counters().toString());
        assertEquals(0, syncer.counters().resyncs());
        syncer.close();
        assertTrue(store.get(config.canaryKey()).isEmpty(), "close removes the canary key");
    }

    @Test
    void thousandRandomWritesAndDeletesArriveOnceInOrder() throws Exception {
        String prefix = "/random/";
        RecordingCallbacks consumer = new RecordingCallbacks();
        Syncer syncer = start(config("random", prefix), consumer);
        consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);

        int writers = 4;
        int opsEach = 250;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                Random random = new Random(42 + writer);
                List<Long> written = new ArrayList<>();
                for (int i = 0; i < opsEach; i++) {
                    String key = prefix + "w" + writer + "/k" + random.nextInt(15);
                    if (random.nextInt(4) == 0) {
                        try {
                            written.add(store.delete(key));
                        } catch (dev.tabby.datastore.NotFoundException e) {
                            // deleting an absent key writes nothing
                        }
                    } else {
                        written.add(store.put(key, bytes("w" + writer + "-" + i)));
                    }
                }
                return written;
            }));
        }
        Set<Long> writtenRevisions = new HashSet<>();
        for (Future<List<Long>> f : futures) {
            writtenRevisions.addAll(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        consumer.awaitState(WAIT, () -> etcd(prefix));
        assertEquals(0, syncer.counters().resyncs(), "a healthy watch needs no re-list");
        List<Long> delivered = consumer.updates().stream().filter(u -> !u.fromList()).map(Update::modRevision)
                .toList();
        assertEquals(delivered.size(), new HashSet<>(delivered).size(), "a revision was delivered twice");
        assertEquals(writtenRevisions, new HashSet<>(delivered), "every write arrives exactly once");
        assertNoDuplicates(consumer);
        assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
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

    private Map<String, KvEntry> etcd(String... prefixes) {
        Map<String, KvEntry> all = new HashMap<>();
        for (String prefix : prefixes) {
            all.putAll(ETCD.etcdctl().getPrefix(prefix));
        }
        return all;
    }

    private static SyncerConfig config(String id, String... prefixes) {
        return SyncerConfig.of(id, List.of(prefixes))
                .withMinResyncInterval(Duration.ofMillis(100))
                .withCanary(Duration.ZERO, Duration.ofSeconds(1));
    }

    private Syncer start(SyncerConfig config, RecordingCallbacks consumer) {
        Syncer syncer = new Syncer(store, config, consumer);
        syncers.add(syncer);
        syncer.start();
        return syncer;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
