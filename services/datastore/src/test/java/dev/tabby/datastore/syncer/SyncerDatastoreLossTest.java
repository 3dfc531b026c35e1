package dev.tabby.datastore.syncer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.RecordingCallbacks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Readiness must tell the truth: with etcd gone (killed, or hung without closing its
 * connections) the syncer leaves IN_SYNC within 10 s, says so once, and comes back on its own.
 * Runs the syncer with its default settings, as the services do. In its own class because it
 * takes etcd away.
 */
class SyncerDatastoreLossTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** The bound: a service's datastore state leaves IN_SYNC within 10 s of etcd going away. */
    private static final Duration LEAVES_IN_SYNC_WITHIN = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Three prefixes: listing them one after another against a dead etcd used to take 3 x the client timeout. */
    private static final List<String> PREFIXES = List.of("/loss/a/", "/loss/b/", "/loss/c/");

    private final LogCapture log = new LogCapture();

    @BeforeEach
    void captureSyncerLog() {
        log.attach();
    }

    @AfterEach
    void releaseLog() {
        log.detach();
    }

    @Test
    void killedEtcdTakesTheStatusOutOfSyncWithinTenSecondsOnceAndBackOnItsOwn() throws Exception {
        RecordingCallbacks consumer = new RecordingCallbacks();
        try (KeyValueStore store = KeyValueStore.connect(ETCD.config());
                Syncer syncer = new Syncer(store, SyncerConfig.of("killed", PREFIXES), consumer)) {
            store.put("/loss/a/before", bytes("1"));
            syncer.start();
            consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
            int statusesBefore = consumer.statuses().size();
            log.clear();

            ETCD.etcd().kill();
            consumer.await(LEAVES_IN_SYNC_WITHIN, "the status to leave IN_SYNC within 10 s of killing etcd",
                    r -> r.lastStatus() != SyncStatus.IN_SYNC);
            assertEquals(SyncStatus.WAIT_FOR_DATASTORE, syncer.status());
            // Stay down long enough for several retries (1, 2, 4, 5 s apart): none of them may log a warning.
            Thread.sleep(12_000);
            assertEquals(SyncStatus.WAIT_FOR_DATASTORE, syncer.status(), "no flapping while etcd is down");

            ETCD.etcd().startAgain();
            consumer.await(WAIT, "IN_SYNC again once etcd is back", r -> r.lastStatus() == SyncStatus.IN_SYNC);
            store.put("/loss/b/after", bytes("written once etcd was back"));
            store.delete("/loss/a/before");
            consumer.awaitState(WAIT, () -> etcd());

            List<SyncStatus> after = consumer.statuses().subList(statusesBefore, consumer.statuses().size());
            assertEquals(List.of(SyncStatus.WAIT_FOR_DATASTORE, SyncStatus.RESYNC, SyncStatus.IN_SYNC), after,
                    "exactly one transition out of IN_SYNC and one back");
            assertEquals(3, log.count(Level.ALL, "event=status"), "one line per status change: " + log.lines());
            assertEquals(1, log.count(Level.WARNING, ""), "one warning for the whole outage: " + log.lines());
            assertEquals(1, log.count(Level.WARNING, "to=WAIT_FOR_DATASTORE"), log.lines().toString());
            assertTrue(consumer.problems().isEmpty(), consumer.problems().toString());
        }
    }

    @Test
    void hungEtcdIsNoticedByTheProbeWithinTenSeconds() throws Exception {
        RecordingCallbacks consumer = new RecordingCallbacks();
        try (KeyValueStore store = KeyValueStore.connect(ETCD.config());
                Syncer syncer = new Syncer(store, SyncerConfig.of("hung", PREFIXES), consumer)) {
            syncer.start();
            consumer.awaitStatus(SyncStatus.IN_SYNC, WAIT);
            int statusesBefore = consumer.statuses().size();

            // SIGSTOP: the TCP connections stay open, so no watch error arrives for ~40 s (gRPC keepalive);
            // only the probe can tell.
            signal("STOP", ETCD.etcd().pid());
            try {
                consumer.await(LEAVES_IN_SYNC_WITHIN, "the status to leave IN_SYNC within 10 s of etcd hanging",
                        r -> r.lastStatus() != SyncStatus.IN_SYNC);
                assertEquals(SyncStatus.WAIT_FOR_DATASTORE, syncer.status());
                assertTrue(syncer.counters().probeFailures() >= 1, syncer.counters().toString());
            } finally {
                signal("CONT", ETCD.etcd().pid());
            }
            consumer.await(WAIT, "IN_SYNC again once etcd runs again", r -> r.lastStatus() == SyncStatus.IN_SYNC);
            store.put("/loss/c/after-hang", bytes("x"));
            consumer.awaitState(WAIT, () -> etcd());
            List<SyncStatus> after = consumer.statuses().subList(statusesBefore, consumer.statuses().size());
            assertEquals(List.of(SyncStatus.WAIT_FOR_DATASTORE, SyncStatus.RESYNC, SyncStatus.IN_SYNC), after);
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid);
    }

    private static java.util.Map<String, dev.tabby.datastore.KvEntry> etcd() {
        java.util.Map<String, dev.tabby.datastore.KvEntry> all = new java.util.HashMap<>();
        for (String prefix : PREFIXES) {
            all.putAll(ETCD.etcdctl().getPrefix(prefix));
        }
        return all;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /** Collects what the Syncer logs (jboss-logging writes through java.util.logging in these tests). */
    private static final class LogCapture extends Handler {
        private final Logger logger = Logger.getLogger(Syncer.class.getName());
        private final List<LogRecord> records = new ArrayList<>();

        void attach() {
            logger.addHandler(this);
        }

        void detach() {
            logger.removeHandler(this);
        }

        synchronized void clear() {
            records.clear();
        }

        /** Records at {@code level} or above whose message contains {@code text}. */
        synchronized long count(Level level, String text) {
            return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
                    .filter(r -> String.valueOf(r.getMessage()).contains(text)).count();
        }

        synchronized List<String> lines() {
            return records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
        }

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
