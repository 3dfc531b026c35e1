package dev.tabby.datastore.syncer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A syncer loading a large first snapshot lets the heap grow in large steps (SnapshotHeap) and gives the JVM its own
 * settings back once in sync; a small snapshot changes nothing (issue 16). Real etcd, this JVM's real flags.
 */
class SyncerHeapLoadTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final SnapshotHeap.Flags JVM = SnapshotHeap.hotSpotFlags();

    private KeyValueStore store;
    private int ownMin;
    private int ownMax;

    /** Records MinHeapFreeRatio as the consumer saw it at each batch and when told IN_SYNC. */
    static final class Watching implements SyncerCallbacks {
        final List<Integer> duringBatches = new CopyOnWriteArrayList<>();
        volatile int atInSync = -1;
        final CountDownLatch inSync = new CountDownLatch(1);

        @Override
        public void onUpdates(List<Update> updates) {
            duringBatches.add(JVM.get("MinHeapFreeRatio"));
        }

        @Override
        public void onStatus(SyncStatus status) {
            if (status == SyncStatus.IN_SYNC && inSync.getCount() > 0) {
                atInSync = JVM.get("MinHeapFreeRatio");
                inSync.countDown();
            }
        }
    }

    @BeforeEach
    void tightHeapAsOnANode() {
        store = KeyValueStore.connect(ETCD.config());
        ownMin = JVM.get("MinHeapFreeRatio");
        ownMax = JVM.get("MaxHeapFreeRatio");
        JVM.set("MinHeapFreeRatio", 10);
        JVM.set("MaxHeapFreeRatio", 30);
    }

    @AfterEach
    void giveTheTestJvmItsOwnBack() {
        store.close();
        JVM.set("MaxHeapFreeRatio", Math.max(ownMax, 30));
        JVM.set("MinHeapFreeRatio", ownMin);
        JVM.set("MaxHeapFreeRatio", ownMax);
    }

    @Test
    void aLargeFirstListGrowsTheHeapInLargeStepsUntilInSync() throws Exception {
        load("/large/", SnapshotHeap.LARGE_SNAPSHOT_KEYS + 1_000);
        Watching consumer = new Watching();

        try (Syncer syncer = new Syncer(store, SyncerConfig.of("large", List.of("/large/")), consumer)) {
            syncer.start();
            assertTrue(consumer.inSync.await(60, TimeUnit.SECONDS), "not in sync");

            assertTrue(consumer.duringBatches.contains(SnapshotHeap.LOADING_MIN_FREE), consumer.duringBatches.toString());
            assertEquals(SnapshotHeap.LOADING_MIN_FREE, consumer.atInSync, "still loading when the consumer is told");
            awaitMinHeapFreeRatio(10);
        }
    }

    @Test
    void aSmallFirstListLeavesTheHeapAlone() throws Exception {
        load("/small/", 100);
        Watching consumer = new Watching();

        try (Syncer syncer = new Syncer(store, SyncerConfig.of("small", List.of("/small/")), consumer)) {
            syncer.start();
            assertTrue(consumer.inSync.await(60, TimeUnit.SECONDS), "not in sync");

            assertTrue(consumer.duringBatches.stream().allMatch(v -> v == 10), consumer.duringBatches.toString());
            assertEquals(10, consumer.atInSync);
        }
    }

    private void load(String prefix, int keys) {
        List<KvEntry> batch = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            batch.add(new KvEntry(prefix + "k" + i, ("v" + i).getBytes(UTF_8), 0, 0));
            if (batch.size() == 100 || i == keys - 1) {
                store.putAll(batch);
                batch.clear();
            }
        }
    }

    /** Restored right after the consumer was told IN_SYNC, on the syncer thread. */
    private static void awaitMinHeapFreeRatio(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (JVM.get("MinHeapFreeRatio") != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, JVM.get("MinHeapFreeRatio"), "the JVM's own setting was not given back");
    }
}
