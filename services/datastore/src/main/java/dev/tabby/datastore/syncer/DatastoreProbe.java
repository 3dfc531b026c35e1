package dev.tabby.datastore.syncer;

import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds out within seconds whether etcd is still there: a point read (linearizable, so it also
 * fails when etcd has lost its quorum) with a short deadline, plus, while watching, a progress
 * request on every watch stream, which etcd answers on that stream even when nothing changed.
 *
 * <p>Why the syncer needs this besides watch errors and the canary: jetcd re-opens a failed
 * watch stream by itself, and a hung or unreachable etcd (no TCP reset) produces no watch error
 * at all until the gRPC keepalive gives up after ~40 s. The canary (a write every 30 s) is too
 * slow for readiness, which must drop within 10 s. A probe costs one tiny read and one progress
 * request per stream every {@link SyncerConfig#probeInterval()}.
 *
 * <p>The read is asynchronous: the answer comes back as a {@link SyncerSignal.ProbeAnswered} on
 * the syncer's queue, so a hung etcd never blocks the syncer thread. The syncer judges the
 * probe with {@link #verdict}; time it spent inside consumer callbacks meanwhile is added to the
 * deadline, because a slow consumer also holds up the queue that answers travel through.
 */
final class DatastoreProbe {

    enum Outcome { PENDING, HEALTHY, UNREACHABLE, SILENT_WATCH }

    record Verdict(Outcome outcome, String reason) {
        static final Verdict PENDING = new Verdict(Outcome.PENDING, null);
        static final Verdict HEALTHY = new Verdict(Outcome.HEALTHY, null);
    }

    private final KeyValueStore store;
    private final ByteSequence key;
    private final long timeoutNanos;
    private final SignalQueue sink;
    private long lastId;
    // Syncer-thread state of the probe in flight.
    private long id = -1;
    private long sentAt;
    private long busyAtSend;
    private boolean answered;
    private String failure;
    private List<PrefixWatch> watches = List.of();

    /** @param key any key the syncer may read; a point read of it is cheap whether or not it exists */
    DatastoreProbe(KeyValueStore store, String key, long timeoutNanos, SignalQueue sink) {
        this.store = store;
        this.key = EtcdKeys.bytes(key);
        this.timeoutNanos = timeoutNanos;
        this.sink = sink;
    }

    boolean inFlight() {
        return id >= 0;
    }

    long sentAt() {
        return sentAt;
    }

    /** Sends a probe; {@code watches} (may be empty) must each answer a progress request too. */
    void send(long now, long busyNanos, List<PrefixWatch> watchesToCheck) {
        long probe = ++lastId;
        id = probe;
        sentAt = now;
        busyAtSend = busyNanos;
        answered = false;
        failure = null;
        watches = watchesToCheck;
        for (PrefixWatch watch : watchesToCheck) {
            watch.requestProgress();
        }
        try {
            store.client().getKVClient().get(key, GetOption.builder().withCountOnly(true).build())
                    .orTimeout(TimeUnit.NANOSECONDS.toMillis(timeoutNanos), TimeUnit.MILLISECONDS)
                    .whenComplete((response, error) -> sink.offer(new SyncerSignal.ProbeAnswered(probe,
                            error == null ? null : EtcdErrors.rootCause(error))));
        } catch (RuntimeException e) {
            // e.g. the client was closed under us
            sink.offer(new SyncerSignal.ProbeAnswered(probe, EtcdErrors.rootCause(e)));
        }
    }

    /** Records an answer; answers to probes already judged or cancelled are ignored. */
    void answered(SyncerSignal.ProbeAnswered answer) {
        if (answer.probe() == id) {
            answered = true;
            failure = answer.failure();
        }
    }

    /** When the probe in flight must be judged at the latest. */
    long deadline(long busyNanos) {
        return sentAt + timeoutNanos + (busyNanos - busyAtSend);
    }

    /** Judges the probe in flight; anything but PENDING ends it. */
    Verdict verdict(long now, long busyNanos) {
        if (!inFlight()) {
            return Verdict.PENDING;
        }
        boolean late = now - deadline(busyNanos) >= 0;
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        Verdict verdict;
        if (answered && failure != null) {
            verdict = new Verdict(Outcome.UNREACHABLE, "etcd read failed: " + failure);
        } else if (!answered) {
            verdict = late ? new Verdict(Outcome.UNREACHABLE, "etcd did not answer a read within " + waitedMs + " ms")
                    : Verdict.PENDING;
        } else {
            String silent = silentWatch();
            verdict = silent == null ? Verdict.HEALTHY
                    : late ? new Verdict(Outcome.SILENT_WATCH, "watch on " + silent
                            + " silent: no answer to a progress request within " + waitedMs + " ms")
                    : Verdict.PENDING;
        }
        if (verdict.outcome() != Outcome.PENDING) {
            cancel();
        }
        return verdict;
    }

    /** Forgets the probe in flight (its answer will be ignored). */
    void cancel() {
        id = -1;
        watches = List.of();
    }

    private String silentWatch() {
        for (PrefixWatch watch : watches) {
            if (watch.lastHeardNanos() - sentAt < 0) {
                return watch.prefix();
            }
        }
        return null;
    }
}
