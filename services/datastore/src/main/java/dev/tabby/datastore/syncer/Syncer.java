package dev.tabby.datastore.syncer;

import dev.tabby.datastore.AccessDeniedException;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.DatastoreUnavailableException;
import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ListResult;
import dev.tabby.datastore.RevisionCompactedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Mirrors a set of etcd key prefixes to a consumer, like Calico's watchersyncer: list every
 * prefix at one revision R, deliver the entries, report {@link SyncStatus#IN_SYNC}, then watch
 * from R+1 and deliver each change.
 *
 * <p>When anything goes wrong with the watch (compaction, error, cancellation, a stream that
 * ended, or the {@link Canary} finding it silent) the syncer re-lists and delivers exactly the
 * difference from what the consumer already has, including deletes for keys that vanished.
 * Nothing is lost and nothing is delivered twice: watch events not newer than what the
 * consumer holds for a key are dropped. Re-lists are at least
 * {@link SyncerConfig#minResyncInterval()} apart.
 *
 * <p>Status: WAIT_FOR_DATASTORE until the first list succeeds, then RESYNC, the snapshot, and
 * IN_SYNC. A re-list that succeeds straight away only delivers its difference and stays
 * IN_SYNC; if listing fails the status drops to WAIT_FOR_DATASTORE and goes through RESYNC to
 * IN_SYNC again once etcd answers.
 *
 * <p>One thread ("tabby-syncer-ID") owns all state and makes every callback, in order.
 */
public final class Syncer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Syncer.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

    private final KeyValueStore store;
    private final SyncerConfig config;
    private final SyncerCallbacks callbacks;
    private final String id;
    private final BlockingQueue<SyncerSignal> signals = new LinkedBlockingQueue<>();
    private final SyncCache cache;
    private final Canary canary;
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong updatesDelivered = new AtomicLong();
    private final AtomicLong lastRevision = new AtomicLong();
    private final AtomicLong watchFailures = new AtomicLong();
    private final AtomicLong canaryFailures = new AtomicLong();
    private volatile SyncStatus status;

    // Syncer-thread state.
    private int generation;
    private List<PrefixWatch> watches = List.of();
    private PrefixWatch canaryWatch;
    private final Map<String, Long> appliedRevisionByPrefix = new HashMap<>();
    private boolean listedOnce;
    private boolean paused;
    private long lastListStartNanos;

    public Syncer(KeyValueStore store, SyncerConfig config, SyncerCallbacks callbacks) {
        this.store = store;
        this.config = config;
        this.callbacks = callbacks;
        this.id = config.syncerId();
        this.canary = new Canary(store, config);
        this.cache = new SyncCache(config.canaryKey());
        this.thread = new Thread(this::run, "tabby-syncer-" + id);
        this.thread.setDaemon(true);
    }

    /** Starts the syncer thread; callbacks begin with WAIT_FOR_DATASTORE. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("syncer " + id + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("syncer " + id + " already started");
        }
        thread.start();
    }

    /** Stops watching, waits for the syncer thread to finish and removes the canary key. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (started.get()) {
            signals.offer(SyncerSignal.Command.of(SyncerSignal.Command.Kind.STOP));
            try {
                thread.join(CLOSE_WAIT.toMillis());
                if (thread.isAlive()) {
                    // Probably stuck in a consumer callback: interrupt it and give it a moment.
                    LOG.warnf("syncer=%s event=close_slow waited_ms=%d action=interrupt", id, CLOSE_WAIT.toMillis());
                    thread.interrupt();
                    thread.join(TimeUnit.SECONDS.toMillis(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        canary.cleanUp(Duration.ofSeconds(1));
        LOG.infof("syncer=%s event=closed resyncs=%d updates=%d last_revision=%d", id, resyncs.get(),
                updatesDelivered.get(), lastRevision.get());
    }

    public SyncerCounters counters() {
        return new SyncerCounters(resyncs.get(), updatesDelivered.get(), lastRevision.get(), watchFailures.get(),
                canaryFailures.get(), status);
    }

    public SyncerConfig config() {
        return config;
    }

    // ---- test hooks: simulate the failures the syncer must survive ----

    /** Stops watching without telling the cache, as if the connection had stalled. */
    CompletableFuture<Void> pauseWatchesForTest() {
        return command(SyncerSignal.Command.Kind.PAUSE_WATCHES);
    }

    /** Re-opens each watch where it left off, as jetcd's own reconnect would. */
    CompletableFuture<Void> resumeWatchesForTest() {
        return command(SyncerSignal.Command.Kind.RESUME_WATCHES);
    }

    /** Makes every current watch stream go quiet without an error: only the canary can tell. */
    CompletableFuture<Void> muteWatchesForTest() {
        return command(SyncerSignal.Command.Kind.MUTE_WATCHES);
    }

    private CompletableFuture<Void> command(SyncerSignal.Command.Kind kind) {
        SyncerSignal.Command command = SyncerSignal.Command.of(kind);
        signals.offer(command);
        return command.done();
    }

    // ---- the syncer thread ----

    private void run() {
        try {
            deliverStatus(SyncStatus.WAIT_FOR_DATASTORE);
            String resyncReason = "start";
            while (!closed.get()) {
                if (resyncReason != null) {
                    if (!waitForResyncSlot()) {
                        return;
                    }
                    if (!resync(resyncReason)) {
                        continue; // list failed; retry after the next slot
                    }
                    resyncReason = null;
                }
                resyncReason = processSignals();
            }
        } catch (StopRequested e) {
            // close() asked us to stop.
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "syncer=%s event=thread_failed error=%s", id, e.toString());
        } finally {
            closeWatches();
        }
    }

    /**
     * Waits for one batch of signals (or a canary deadline) and handles it.
     *
     * @return a reason to re-list, or null to carry on watching
     */
    private String processSignals() {
        long now = System.nanoTime();
        long waitNanos = paused ? TimeUnit.SECONDS.toNanos(1) : Math.max(0, canary.nextDeadline() - now);
        SyncerSignal first;
        try {
            first = signals.poll(Math.min(waitNanos, TimeUnit.SECONDS.toNanos(60)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw new StopRequested();
        }
        String resyncReason = null;
        if (first != null) {
            List<SyncerSignal> batch = new ArrayList<>();
            batch.add(first);
            signals.drainTo(batch);
            List<Update> pending = new ArrayList<>();
            for (SyncerSignal signal : batch) {
                String reason = handle(signal, pending);
                if (reason != null && resyncReason == null) {
                    resyncReason = reason;
                }
            }
            deliverUpdates(pending);
        }
        if (resyncReason == null && !paused) {
            String silent = canary.poll(System.nanoTime(), canaryWatch, watches);
            if (silent != null) {
                canaryFailures.incrementAndGet();
                LOG.warnf("syncer=%s event=watch_silent reason=\"%s\" action=resync", id, silent);
                resyncReason = "silent watch: " + silent;
            }
        }
        return resyncReason;
    }

    private String handle(SyncerSignal signal, List<Update> pending) {
        if (signal instanceof SyncerSignal.Changes changes) {
            if (changes.generation() != generation) {
                return null; // from a watch we already replaced; the re-list covered it
            }
            long applied = appliedRevisionByPrefix.getOrDefault(changes.prefix(), 0L);
            for (WatchedChange change : changes.changes()) {
                Update update = cache.apply(change);
                if (update != null) {
                    pending.add(update);
                }
                applied = Math.max(applied, change.modRevision());
            }
            appliedRevisionByPrefix.put(changes.prefix(), applied);
            lastRevision.accumulateAndGet(applied, Math::max);
            return null;
        }
        if (signal instanceof SyncerSignal.WatchEnded ended) {
            if (ended.generation() != generation) {
                return null;
            }
            watchFailures.incrementAndGet();
            LOG.warnf("syncer=%s event=watch_failed prefix=%s compacted=%s reason=\"%s\" action=resync", id,
                    ended.prefix(), ended.compacted(), ended.reason());
            return (ended.compacted() ? "compacted: " : "watch failed: ") + ended.reason();
        }
        SyncerSignal.Command command = (SyncerSignal.Command) signal;
        switch (command.kind()) {
            case STOP -> throw new StopRequested();
            case PAUSE_WATCHES -> {
                closeWatches();
                paused = true;
            }
            case RESUME_WATCHES -> {
                paused = false;
                openWatches(cache.listRevision());
            }
            case MUTE_WATCHES -> {
                watches.forEach(PrefixWatch::mute);
                if (canaryWatch != null) {
                    canaryWatch.mute();
                }
            }
        }
        command.done().complete(null);
        return null;
    }

    /** Honours the minimum interval between lists; returns false if asked to stop meanwhile. */
    private boolean waitForResyncSlot() {
        if (!listedOnce && lastListStartNanos == 0) {
            return true;
        }
        long readyAt = lastListStartNanos + config.minResyncInterval().toNanos();
        while (true) {
            long left = readyAt - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                SyncerSignal signal = signals.poll(left, TimeUnit.NANOSECONDS);
                if (signal instanceof SyncerSignal.Command c) {
                    if (c.kind() == SyncerSignal.Command.Kind.STOP) {
                        return false;
                    }
                    c.done().complete(null); // pause/resume/mute are moot: we are about to re-list
                }
                // Watch signals are from watches we are about to replace: the re-list covers them.
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    /** Lists all prefixes at one revision, delivers the difference and watches from there. */
    private boolean resync(String reason) {
        closeWatches();
        paused = false;
        lastListStartNanos = System.nanoTime();
        long started = lastListStartNanos;
        LOG.infof("syncer=%s event=list_start reason=\"%s\" prefixes=%d", id, reason, config.prefixes().size());
        List<KvEntry> all = new ArrayList<>();
        long revision = 0;
        try {
            for (ListResult result : store.list(config.prefixes(), 0, config.listPageSize())) {
                revision = result.revision();
                all.addAll(result.entries());
            }
        } catch (RevisionCompactedException e) {
            // Compacted between the pages of our own list: just list again.
            LOG.infof("syncer=%s event=list_retry reason=\"%s\"", id, e.getMessage());
            return false;
        } catch (DatastoreException e) {
            String kind = e instanceof DatastoreUnavailableException ? "unavailable"
                    : e instanceof AccessDeniedException ? "access_denied" : "error";
            LOG.warnf("syncer=%s event=list_failed kind=%s error=\"%s\"", id, kind, e.getMessage());
            deliverStatus(SyncStatus.WAIT_FOR_DATASTORE);
            return false;
        }
        // Watch first, deliver second: the watch starts at R+1 no matter how long the consumer
        // takes with the snapshot, so a compaction meanwhile cannot cut us off.
        appliedRevisionByPrefix.clear();
        openWatches(revision);
        if (status != SyncStatus.IN_SYNC) {
            deliverStatus(SyncStatus.RESYNC);
        }
        List<Update> diff = cache.replaceWith(all, revision);
        lastRevision.accumulateAndGet(revision, Math::max);
        if (listedOnce) {
            resyncs.incrementAndGet();
        }
        listedOnce = true;
        deliverUpdates(diff);
        deliverStatus(SyncStatus.IN_SYNC);
        LOG.infof("syncer=%s event=list_done revision=%d keys=%d changes=%d took_ms=%d", id, revision, cache.size(),
                diff.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return true;
    }

    /** Opens one watch per prefix (and the canary's) from after {@code listRevision}. */
    private void openWatches(long listRevision) {
        closeWatches();
        generation++;
        List<PrefixWatch> opened = new ArrayList<>();
        try {
            for (String prefix : config.prefixes()) {
                // Resuming after a pause starts each prefix right after what it already applied.
                long from = Math.max(listRevision, appliedRevisionByPrefix.getOrDefault(prefix, 0L)) + 1;
                opened.add(PrefixWatch.open(store.client(), prefix, from, generation, signals::offer));
            }
            if (config.canaryEnabled()) {
                canaryWatch = PrefixWatch.openKey(store.client(), canary.key(), listRevision + 1, generation,
                        signals::offer);
            }
        } catch (RuntimeException e) {
            // e.g. the client was closed under us; report like any watch failure so we re-list.
            signals.offer(new SyncerSignal.WatchEnded(generation, "*", EtcdErrors.rootCause(e), false));
        }
        watches = List.copyOf(opened);
        canary.reset(System.nanoTime());
    }

    private void closeWatches() {
        watches.forEach(PrefixWatch::close);
        watches = List.of();
        if (canaryWatch != null) {
            canaryWatch.close();
            canaryWatch = null;
        }
        // Bump so that anything still queued from the closed streams is ignored.
        generation++;
    }

    private void deliverUpdates(List<Update> updates) {
        int max = config.maxUpdatesPerCallback();
        for (int from = 0; from < updates.size(); from += max) {
            List<Update> chunk = List.copyOf(updates.subList(from, Math.min(updates.size(), from + max)));
            try {
                callbacks.onUpdates(chunk);
            } catch (RuntimeException e) {
                // A consumer bug must not kill the syncer; the consumer has the updates anyway.
                LOG.errorf(e, "syncer=%s event=callback_failed callback=onUpdates updates=%d", id, chunk.size());
            }
            updatesDelivered.addAndGet(chunk.size());
        }
    }

    private void deliverStatus(SyncStatus next) {
        if (next == status) {
            return;
        }
        LOG.infof("syncer=%s event=status from=%s to=%s", id, status, next);
        status = next;
        try {
            callbacks.onStatus(next);
        } catch (RuntimeException e) {
            LOG.errorf(e, "syncer=%s event=callback_failed callback=onStatus status=%s", id, next);
        }
    }

    /** Unwinds the syncer thread when close() asks it to stop mid-way. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
