package dev.tabby.probe.service;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.DatastoreUnavailableException;
import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.KeyValueStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Whether the service can reach etcd, and since when: {@link #check()} asks etcd one cheap question (count the keys
 * of one key, a short deadline) and moves between connected and unreachable. Only a change of state is logged, once;
 * a failed attempt while already unreachable is silent. Returning to connected runs the recovery action (the runner
 * publishes its report again).
 */
public final class DatastoreState {
    private static final Logger LOG = Logger.getLogger(DatastoreState.class);

    public enum State {
        /** Not asked yet. */
        UNKNOWN("unknown"),
        CONNECTED("connected"),
        UNREACHABLE("unreachable");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param since when this state began (null while unknown)
     * @param error why etcd is unreachable (null otherwise)
     */
    public record Snapshot(State state, Instant since, String error) {
        /** Readiness' reason when unreachable: {@code datastore unreachable since 2026-...Z: <error>}. */
        public String reason() {
            return "datastore unreachable since " + since + (error == null ? "" : ": " + error);
        }
    }

    private final KeyValueStore store;
    private final String key;
    private final Duration deadline;
    private final Clock clock;
    private final Runnable onReconnect;
    private volatile Snapshot current = new Snapshot(State.UNKNOWN, null, null);

    /**
     * @param key         the key the cheap question is about (the service's own status key)
     * @param deadline    how long one question may take before etcd counts as unreachable
     * @param onReconnect run (on the checking thread) each time the state becomes connected after being unreachable
     */
    public DatastoreState(KeyValueStore store, String key, Duration deadline, Clock clock, Runnable onReconnect) {
        this.store = Objects.requireNonNull(store, "store");
        this.key = Objects.requireNonNull(key, "key");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onReconnect = Objects.requireNonNull(onReconnect, "onReconnect");
    }

    public Snapshot current() {
        return current;
    }

    public boolean unreachable() {
        return current.state() == State.UNREACHABLE;
    }

    /** Asks etcd once and returns the state after the answer (or its absence). */
    public Snapshot check() {
        CompletableFuture<?> asked = null;
        try {
            asked = store.client().getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8),
                    GetOption.builder().withCountOnly(true).build());
            asked.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            succeeded();
        } catch (TimeoutException e) {
            asked.cancel(true);
            failed("etcd at " + store.config().endpointsText() + " did not answer within " + deadline.toMillis()
                    + " ms");
        } catch (ExecutionException e) {
            DatastoreException d = EtcdErrors.translate(e.getCause(), store.config().endpointsText(),
                    "the datastore check");
            failed(d.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed("cannot ask etcd at " + store.config().endpointsText() + ": " + e.getMessage());
        }
        return current;
    }

    /** A call elsewhere in the service reached etcd. */
    public void succeeded() {
        Snapshot before;
        Snapshot after;
        synchronized (this) {
            before = current;
            if (before.state() == State.CONNECTED) {
                return;
            }
            after = new Snapshot(State.CONNECTED, clock.instant(), null);
            current = after;
        }
        if (before.state() == State.UNREACHABLE) {
            LOG.infof("event=datastore_state state=connected since=%s unreachable_for_s=%d", after.since(),
                    Duration.between(before.since(), after.since()).toSeconds());
            try {
                onReconnect.run();
            } catch (RuntimeException e) {
                LOG.warnf("event=reconnect_action_failed error=\"%s\"", e.getMessage());
            }
        } else {
            LOG.infof("event=datastore_state state=connected since=%s", after.since());
        }
    }

    /** A call elsewhere in the service failed: only an outage changes the state. */
    public void failed(DatastoreException e) {
        if (e instanceof DatastoreUnavailableException) {
            failed(e.getMessage());
        }
    }

    private void failed(String error) {
        Snapshot after;
        synchronized (this) {
            if (current.state() == State.UNREACHABLE) {
                return; // already said so
            }
            after = new Snapshot(State.UNREACHABLE, clock.instant(), error);
            current = after;
        }
        LOG.warnf("event=datastore_state state=unreachable since=%s error=\"%s\"", after.since(), error);
    }
}
