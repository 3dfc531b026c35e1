package dev.tabby.datastore.status;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * One etcd key held under a lease for as long as this process holds it: the key says "I am here" to other services,
 * and it goes by itself when the process dies (the lease expires after {@code ttl}) or at once when it stops cleanly
 * ({@link #close()} revokes the lease). Used for bgp-speaker's route claim ({@link RouteClaims}).
 *
 * <p>The lease can be lost while the process lives: etcd unreachable for longer than the TTL, the keep-alive stream
 * failing or ending, or the key deleted (or rewritten under another lease) by hand. Each of those ends the hold, and
 * this class takes the key again on its own thread: a new lease, {@code valueOnTake} written under it, pauses of
 * 1 s doubling to 10 s between failed attempts. A retake writes {@code valueOnTake}, not the last {@link #set} value,
 * because what the holder said under the lost lease may have stopped being true while nobody held the key (the route
 * claim's "programming" is such a statement). {@code onTaken} runs after every successful (re)take with the take's
 * number, so the holder can make its statement true again and then {@link #set(String, long)} it for that take only:
 * a value meant for one take is never written under the next.
 *
 * <p>Nothing here throws to its callers on etcd trouble: every etcd call runs on this key's own thread, and failures
 * are logged ({@code event=leased_key_lost}, {@code event=leased_key_taken}, {@code event=leased_key_released}, one
 * line per change) and retried. A deleted key is noticed on the next keep-alive answer (every third of the TTL), by
 * reading the key back.
 */
public final class LeasedKey implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeasedKey.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final KeyValueStore store;
    private final String key;
    private final Duration ttl;
    private final String valueOnTake;
    private final LongConsumer onTaken;
    private final Duration callTimeout;
    private final ScheduledExecutorService thread;

    // Everything below is read and written on this key's thread only.
    private long lease;
    private CloseableClient keepAlive;
    private boolean held;
    private long takes;
    private String written;
    private Duration nextPause = FIRST_PAUSE;
    private int failedTakes;
    private ScheduledFuture<?> pendingTake;
    private volatile boolean closed;

    /**
     * @param ttl         how long the key outlives this process, in whole seconds (a fraction is dropped); etcd
     *                    raises it to its minimum, 2 s with etcd's default election timeout
     * @param valueOnTake the value written on every (re)take
     * @param onTaken     runs on this key's thread after every successful (re)take, given the take's number (1, 2,
     *                    ...); must not block for long
     */
    public LeasedKey(KeyValueStore store, String key, Duration ttl, String valueOnTake, LongConsumer onTaken) {
        this.store = Objects.requireNonNull(store, "store");
        this.key = Objects.requireNonNull(key, "key");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.valueOnTake = Objects.requireNonNull(valueOnTake, "valueOnTake");
        this.onTaken = Objects.requireNonNull(onTaken, "onTaken");
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("lease TTL for " + key + " is " + ttl + "; etcd leases last whole "
                    + "seconds: give at least 1 s");
        }
        this.callTimeout = store.config().timeout();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tabby-leased-key " + key);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /** Takes the key (on this key's thread; returns at once). Retries on its own until it has it. */
    public LeasedKey start() {
        run(this::take);
        return this;
    }

    /**
     * Writes {@code value} under the lease, on this key's thread; nothing when it is the value already there, or
     * while the key is not held (a retake writes {@code valueOnTake}; {@code onTaken} says when to set again).
     */
    public void set(String value) {
        Objects.requireNonNull(value, "value");
        run(() -> write(value));
    }

    /**
     * As {@link #set(String)}, but only while take number {@code take} (as given to {@code onTaken}) still holds the
     * key: a value that is true of one hold is dropped if the key was lost and taken again meanwhile.
     */
    public void set(String value, long take) {
        Objects.requireNonNull(value, "value");
        run(() -> {
            if (take == takes) {
                write(value);
            }
        });
    }

    /** True while this key's lease holds the key, as far as this process knows. */
    public boolean held() {
        try {
            return !closed && thread.submit(() -> held).get(callTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** Revokes the lease, so the key goes at once, and stops retaking. Waits at most twice the etcd call timeout. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.submit(this::release).get(callTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("event=leased_key_release_failed key=%s problem=\"%s\" effect=\"the key expires with its "
                    + "lease within %ss\"", key, e, ttl.toSeconds());
        } finally {
            thread.shutdownNow();
        }
    }

    // ---- on this key's thread ----

    private void take() {
        pendingTake = null;
        if (closed || held) {
            return;
        }
        long granted = 0;
        try {
            granted = store.client().getLeaseClient().grant(ttl.toSeconds()).get(callTimeout.toMillis(),
                    TimeUnit.MILLISECONDS).getID();
            put(valueOnTake, granted);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            if (granted != 0) {
                store.client().getLeaseClient().revoke(granted); // holds nothing; it would expire anyway
            }
            retakeLater(message(e));
            return;
        }
        long old = lease;
        lease = granted;
        written = valueOnTake;
        held = true;
        takes++;
        if (old != 0) {
            // The key is under the new lease now, so revoking the old one deletes nothing of ours.
            store.client().getLeaseClient().revoke(old);
        }
        keepAlive = store.client().getLeaseClient().keepAlive(granted, observer(granted));
        nextPause = FIRST_PAUSE;
        LOG.infof("event=leased_key_taken key=%s lease=%x take=%d ttl=%ss value=%s failed_attempts=%d", key, granted,
                takes, ttl.toSeconds(), valueOnTake, failedTakes);
        failedTakes = 0;
        try {
            onTaken.accept(takes);
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=leased_key_on_taken_failed key=%s", key);
        }
    }

    private void retakeLater(String problem) {
        failedTakes++;
        Duration pause = nextPause;
        nextPause = nextPause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : nextPause.multipliedBy(2);
        if (failedTakes == 1) {
            LOG.warnf("event=leased_key_take_failed key=%s problem=\"%s\" action=\"retry in %s, doubling to %s\"",
                    key, problem, pause, MAX_PAUSE);
        } else {
            LOG.debugf("event=leased_key_take_failed key=%s attempt=%d problem=\"%s\" retry_in=%s", key, failedTakes,
                    problem, pause);
        }
        if (!closed) {
            pendingTake = thread.schedule(this::take, pause.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void write(String value) {
        if (closed || !held || value.equals(written)) {
            return;
        }
        try {
            put(value, lease);
            written = value;
            LOG.infof("event=leased_key_set key=%s value=%s", key, value);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            lost(lease, "writing " + value + " failed: " + message(e));
        }
    }

    /** After each keep-alive answer: is the key still ours? Someone may have deleted it, lease or no lease. */
    private void check(long leaseId) {
        if (closed || !held || leaseId != lease) {
            return;
        }
        List<KeyValue> kvs;
        try {
            kvs = store.client().getKVClient().get(EtcdKeys.bytes(key)).get(callTimeout.toMillis(),
                    TimeUnit.MILLISECONDS).getKvs();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return; // etcd trouble: the keep-alive notices it too, and a lost lease is what matters
        }
        if (kvs.isEmpty()) {
            lost(leaseId, "the key was deleted while its lease lived");
        } else if (kvs.get(0).getLease() != leaseId) {
            lost(leaseId, "the key was written under lease " + Long.toHexString(kvs.get(0).getLease()));
        }
    }

    private void lost(long leaseId, String problem) {
        if (closed || !held || leaseId != lease) {
            return; // about a lease we no longer hold
        }
        held = false;
        stopKeepAlive();
        LOG.warnf("event=leased_key_lost key=%s lease=%x problem=\"%s\" action=retake", key, leaseId, problem);
        take();
    }

    private void release() {
        if (pendingTake != null) {
            pendingTake.cancel(false);
        }
        stopKeepAlive();
        if (lease == 0) {
            return;
        }
        try {
            store.client().getLeaseClient().revoke(lease).get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("event=leased_key_released key=%s lease=%x", key, lease);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("event=leased_key_release_failed key=%s problem=\"%s\" effect=\"the key expires with its "
                    + "lease within %ss\"", key, message(e), ttl.toSeconds());
        }
        held = false;
        lease = 0;
    }

    private void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.close();
            keepAlive = null;
        }
    }

    private void put(String value, long leaseId) throws Exception {
        CompletableFuture<?> put = store.client().getKVClient().put(EtcdKeys.bytes(key),
                ByteSequence.from(value, StandardCharsets.UTF_8), PutOption.builder().withLeaseId(leaseId).build());
        put.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The keep-alive's events for {@code leaseId}, handed to this key's thread, where stale ones are ignored. */
    private StreamObserver<LeaseKeepAliveResponse> observer(long leaseId) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                run(() -> check(leaseId));
            }

            @Override
            public void onError(Throwable error) {
                run(() -> lost(leaseId, "keep-alive failed: " + message(error)));
            }

            @Override
            public void onCompleted() {
                // jetcd ends the stream when no renewal came within the TTL: etcd was unreachable that long.
                run(() -> lost(leaseId, "keep-alive ended: no renewal within the lease's TTL"));
            }
        };
    }

    private void run(Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private static String message(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.ExecutionException
                || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "etcd did not answer within the call timeout";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
