package dev.tabby.datastore.testing;

import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.datastore.syncer.SyncerCallbacks;
import dev.tabby.datastore.syncer.Update;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A syncer consumer for tests: applies updates to its own map (what a real consumer would
 * know), records every update and status in order, and can be made to block inside a callback
 * to play a slow consumer.
 */
public final class RecordingCallbacks implements SyncerCallbacks {

    private final Map<String, KvEntry> state = new TreeMap<>();
    private final List<Update> updates = new ArrayList<>();
    private final List<SyncStatus> statuses = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private volatile CountDownLatch gate;

    @Override
    public void onUpdates(List<Update> batch) {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            for (Update u : batch) {
                updates.add(u);
                KvEntry before = state.get(u.key());
                switch (u.kind()) {
                    case CREATED -> {
                        if (before != null) {
                            problems.add("CREATED for existing key " + u);
                        }
                        state.put(u.key(), new KvEntry(u.key(), u.value(), u.modRevision(), u.modRevision()));
                    }
                    case MODIFIED -> {
                        if (before == null) {
                            problems.add("MODIFIED for unknown key " + u);
                        }
                        state.put(u.key(), new KvEntry(u.key(), u.value(),
                                before == null ? u.modRevision() : before.createRevision(), u.modRevision()));
                    }
                    case DELETED -> {
                        if (before == null) {
                            problems.add("DELETED for unknown key " + u);
                        }
                        state.remove(u.key());
                    }
                }
                if (before != null && u.modRevision() <= before.modRevision()) {
                    problems.add("revision went backwards for " + u.key() + ": " + before.modRevision() + " then " + u);
                }
            }
            notifyAll();
        }
    }

    @Override
    public synchronized void onStatus(SyncStatus status) {
        statuses.add(status);
        notifyAll();
    }

    /** From now on, callbacks block until {@link #release()}. */
    public void block() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Key to (value, mod revision) as the consumer knows it. createRevision is not tracked. */
    public synchronized Map<String, KvEntry> state() {
        return new TreeMap<>(state);
    }

    public synchronized List<Update> updates() {
        return new ArrayList<>(updates);
    }

    public synchronized List<SyncStatus> statuses() {
        return new ArrayList<>(statuses);
    }

    /** Inconsistencies seen while applying (e.g. CREATED for a key already present). */
    public synchronized List<String> problems() {
        return new ArrayList<>(problems);
    }

    public synchronized SyncStatus lastStatus() {
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }

    /** Waits until {@code condition} holds for this recorder; fails the test after {@code timeout}. */
    public synchronized void await(Duration timeout, String what, Predicate<RecordingCallbacks> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; statuses=" + statuses + " keys=" + state.size() + " updates=" + updates.size());
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    public void awaitStatus(SyncStatus status, Duration timeout) {
        await(timeout, "status " + status, r -> r.statuses.contains(status));
    }

    /**
     * Waits until the consumer's keys, values and mod revisions equal {@code expected}, as the
     * caller re-reads it from etcd each round.
     */
    public void awaitState(Duration timeout, java.util.function.Supplier<Map<String, KvEntry>> expected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String difference = null;
        while (System.nanoTime() < deadline) {
            difference = difference(expected.get(), state());
            if (difference == null) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("consumer state never matched etcd within " + timeout.toMillis() + " ms: "
                + difference);
    }

    /** null when equal by key, value and mod revision; else the first difference. */
    public static String difference(Map<String, KvEntry> expected, Map<String, KvEntry> actual) {
        for (Map.Entry<String, KvEntry> e : expected.entrySet()) {
            KvEntry a = actual.get(e.getKey());
            if (a == null) {
                return "missing " + e.getKey() + " (etcd has rev " + e.getValue().modRevision() + ")";
            }
            if (a.modRevision() != e.getValue().modRevision()
                    || !java.util.Arrays.equals(a.value(), e.getValue().value())) {
                return "stale " + e.getKey() + ": consumer rev " + a.modRevision() + ", etcd rev "
                        + e.getValue().modRevision();
            }
        }
        for (String key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                return "extra " + key + " (deleted in etcd)";
            }
        }
        return null;
    }
}
