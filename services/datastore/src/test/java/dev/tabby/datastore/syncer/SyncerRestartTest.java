package dev.tabby.datastore.syncer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.RecordingCallbacks;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kills etcd under a watching syncer; in its own class because it takes etcd away. */
class SyncerRestartTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void etcdKilledAndRestartedMidWatchLosesNothing() {
        String prefix = "/restart/";
        SyncerConfig config = SyncerConfig.of("restart", List.of(prefix))
                .withMinResyncInterval(Duration.ofMillis(200))
                .withCanary(Duration.ofMillis(500), Duration.ofSeconds(1));
        RecordingCallbacks consumer = new RecordingCallbacks();
        try (KeyValueStore store = KeyValueStore.connect(ETCD.config().withTimeout(Duration.ofSeconds(3)));
                Syncer syncer = new Syncer(store, config, consumer)) {
            for (int i = 0; i < 10; i++) {
                store.put(prefix + "before" + i, bytes("v" + i));
            }
            syncer.start();
            consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
            store.put(prefix + "before0", bytes("changed while watching"));
            consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));

            long oldPid = ETCD.etcd().pid();
            ETCD.etcd().kill();
            consumer.await(WAIT, "WAIT_FOR_DATASTORE after the kill",
                    r -> r.lastStatus() == SyncStatus.WAIT_FOR_DATASTORE);
            ETCD.etcd().startAgain();
            assertNotEquals(oldPid, ETCD.etcd().pid());

            for (int i = 0; i < 10; i++) {
                store.put(prefix + "after" + i, bytes("v" + i));
            }
            store.delete(prefix + "before1");
            store.put(prefix + "before2", bytes("changed after restart"));
            consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
            consumer.await(WAIT, "IN_SYNC again", r -> r.lastStatus() == SyncStatus.IN_SYNC);

            // Still live after recovery, not just caught up once by the re-list.
            store.put(prefix + "later", bytes("x"));
            consumer.awaitState(WAIT, () -> ETCD.etcdctl().getPrefix(prefix));
            assertTrue(syncer.counters().resyncs() >= 1, syncer.counters().toString());
            assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
            List<SyncStatus> statuses = consumer.statuses();
            assertEquals(SyncStatus.IN_SYNC, statuses.get(statuses.size() - 1));
            assertTrue(statuses.contains(SyncStatus.WAIT_FOR_DATASTORE));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
