package dev.tabby.probe.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.local.LocalEtcd;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The datastore state against a real etcd that is killed (SIGKILL, as a crash) and started again: connected,
 * unreachable within 10 s of the kill with the reason, connected again on its own, and the recovery action runs once
 * per return.
 */
class DatastoreStateTest {
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    @TempDir
    Path tmp;

    /** Checks every second, as the service's schedule does, until the state is {@code wanted} or time is up. */
    private static DatastoreState.Snapshot checkUntil(DatastoreState state, DatastoreState.State wanted, Duration limit)
            throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        DatastoreState.Snapshot s = state.check();
        while (s.state() != wanted && Instant.now().isBefore(end)) {
            Thread.sleep(CHECK_EVERY.toMillis());
            s = state.check();
        }
        return s;
    }

    @Test
    void killedEtcdIsUnreachableWithinTenSecondsAndRecoversByItself() throws Exception {
        try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"));
             KeyValueStore store = KeyValueStore.connect(etcd.clientConfig())) {
            AtomicInteger reconnects = new AtomicInteger();
            DatastoreState state = new DatastoreState(store, "/tabby/status/n1/requirements-probe", Duration.ofSeconds(2),
                    Clock.systemUTC(), reconnects::incrementAndGet);
            assertEquals(DatastoreState.State.UNKNOWN, state.current().state());

            DatastoreState.Snapshot up = state.check();
            assertEquals(DatastoreState.State.CONNECTED, up.state(), String.valueOf(up.error()));
            assertEquals(0, reconnects.get(), "the first connection is not a recovery");

            etcd.kill();
            Instant killed = Instant.now();
            DatastoreState.Snapshot down = checkUntil(state, DatastoreState.State.UNREACHABLE, Duration.ofSeconds(10));
            assertEquals(DatastoreState.State.UNREACHABLE, down.state(), "still " + down.state() + " 10 s after the kill");
            assertTrue(!down.since().isBefore(killed.minusSeconds(1)), down.since() + " is before the kill at " + killed);
            assertNotNull(down.error());
            assertTrue(down.reason().startsWith("datastore unreachable since " + down.since() + ": "), down.reason());
            assertTrue(down.error().contains(etcd.endpoint().toString().replaceAll("/$", "")), down.error());

            DatastoreState.Snapshot stillDown = state.check();
            assertEquals(down, stillDown, "another failed attempt changes nothing, not even the time");

            etcd.startAgain();
            DatastoreState.Snapshot back = checkUntil(state, DatastoreState.State.CONNECTED, Duration.ofSeconds(60));
            assertEquals(DatastoreState.State.CONNECTED, back.state(), "etcd is back but the state is " + back);
            assertEquals(1, reconnects.get(), "the recovery action runs once per return");
        }
    }
}
