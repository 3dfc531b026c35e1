package dev.tabby.datastore.syncer;

import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Proves the watches are alive. A watch stream can die without an error reaching us (seen
 * after etcd restarts: the client keeps a stream that will never deliver again). So every
 * interval the canary writes its own key and asks every stream for a progress notification;
 * if, by the deadline, the canary's stream has not shown the write or some stream has said
 * nothing at all, the watch is declared silent and the syncer re-lists.
 *
 * <p>Driven by the syncer thread through {@link #poll}; the write itself is asynchronous so a
 * hung etcd cannot block the syncer.
 */
final class Canary {

    private final KeyValueStore store;
    private final String key;
    private final String syncerId;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final boolean enabled;
    private final AtomicReference<String> writeFailure = new AtomicReference<>();
    private long sequence;
    private long nextProbeAt;
    private long probeSentAt;
    private String probeValue;

    Canary(KeyValueStore store, SyncerConfig config) {
        this.store = store;
        this.key = config.canaryKey();
        this.syncerId = config.syncerId();
        this.intervalNanos = config.canaryInterval().toNanos();
        this.timeoutNanos = config.canaryTimeout().toNanos();
        this.enabled = config.canaryEnabled();
    }

    String key() {
        return key;
    }

    /** New watches were just opened: forget the old probe, next one an interval from now. */
    void reset(long now) {
        probeValue = null;
        writeFailure.set(null);
        nextProbeAt = now + intervalNanos;
    }

    /** When the syncer must next call {@link #poll}; {@code Long.MAX_VALUE}-ish when disabled. */
    long nextDeadline() {
        if (!enabled) {
            return Long.MAX_VALUE;
        }
        return probeValue != null ? probeSentAt + timeoutNanos : nextProbeAt;
    }

    /**
     * Sends a probe when one is due and judges it when its deadline has passed.
     *
     * @return null while healthy, else why the watch is considered dead
     */
    String poll(long now, PrefixWatch canaryWatch, List<PrefixWatch> watches) {
        if (!enabled) {
            return null;
        }
        if (probeValue != null && now - (probeSentAt + timeoutNanos) >= 0) {
            String verdict = judge(canaryWatch, watches);
            probeValue = null;
            nextProbeAt = probeSentAt + intervalNanos;
            if (verdict != null) {
                return verdict;
            }
        }
        if (probeValue == null && now - nextProbeAt >= 0) {
            sendProbe(now, watches);
        }
        return null;
    }

    private String judge(PrefixWatch canaryWatch, List<PrefixWatch> watches) {
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        String failure = writeFailure.get();
        if (failure != null) {
            return "canary write of " + key + " failed: " + failure;
        }
        if (canaryWatch != null && !probeValue.equals(canaryWatch.lastValueSeen())) {
            return "canary write of " + key + " not seen on its watch within " + waitedMs + " ms";
        }
        for (PrefixWatch watch : watches) {
            if (watch.lastHeardNanos() - probeSentAt < 0) {
                return "watch on " + watch.prefix() + " silent: no answer to a progress request within " + waitedMs
                        + " ms";
            }
        }
        return null;
    }

    private void sendProbe(long now, List<PrefixWatch> watches) {
        probeSentAt = now;
        probeValue = syncerId + "/" + (++sequence) + "/" + System.currentTimeMillis();
        writeFailure.set(null);
        store.putAsync(key, probeValue.getBytes(StandardCharsets.UTF_8)).whenComplete((revision, error) -> {
            if (error != null) {
                writeFailure.set(EtcdErrors.rootCause(error));
            }
        });
        for (PrefixWatch watch : watches) {
            watch.requestProgress();
        }
    }

    /** Removes the canary key when the syncer closes; best effort, waits briefly. */
    void cleanUp(Duration wait) {
        if (!enabled) {
            return;
        }
        try {
            store.client().getKVClient().delete(dev.tabby.datastore.EtcdKeys.bytes(key))
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // etcd is down or slow: the key is tiny and is overwritten by the next run.
        }
    }
}
