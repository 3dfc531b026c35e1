package dev.tabby.datastore.syncer;

import dev.tabby.datastore.AccessDeniedException;
import dev.tabby.datastore.DatastoreUnavailableException;
import dev.tabby.datastore.EtcdClients;
import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.RevisionCompactedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Mirrors a set of etcd key prefixes to a consumer, like Calico's watchersyncer: list every
 * prefix at one revision R, deliver the entries, report {@link SyncStatus#IN_SYNC}, then watch
 * from R+1 and deliver each change.
 *
 * <p>When anything goes wrong with the watch (compaction, error, cancellation, a stream that
 * ended, the {@link Canary} or a {@link DatastoreProbe} finding it silent, or the consumer
 * falling so far behind that the bounded queue overflows) the syncer re-lists and delivers
 * exactly the difference from what the consumer already has, including deletes for keys that
 * vanished. Nothing is lost and nothing is delivered twice: watch events not newer than what
 * the consumer holds for a key are dropped. Re-lists are at least
 * {@link SyncerConfig#minResyncInterval()} apart.
 *
 * <p>Status: WAIT_FOR_DATASTORE until the first list succeeds, then RESYNC, the snapshot, and
 * IN_SYNC. While IN_SYNC a probe asks etcd every {@link SyncerConfig#probeInterval()}; when etcd
 * does not answer (or a list fails) the status drops to WAIT_FOR_DATASTORE within seconds, the
 * syncer tries again backing off to {@link SyncerConfig#maxRetryInterval()}, and goes through
 * RESYNC to IN_SYNC once etcd answers. A re-list on a healthy etcd only delivers its difference
 * and stays IN_SYNC. A consumer whose {@code onUpdates} throws, and an unexpected error in the
 * syncer itself, take the status to RESYNC until a re-list has re-delivered what was missed.
 * This is stricter than Calico v3.18, whose watchersyncer reports InSync once and never leaves
 * it (libcalico-go lib/backend/watchersyncer/watchersyncer.go): Tabby's readiness must tell
 * whether the service still follows the datastore.
 *
 * <p>One thread ("tabby-syncer-ID") owns all state and makes every callback, in order. Lists
 * run on a second thread ("tabby-syncer-ID-list") so that the syncer thread stays free to
 * notice that etcd has gone while a list hangs.
 */
public final class Syncer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Syncer.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    /** While etcd stays away, say so at most this often (each failed attempt is only logged at debug). */
    private static final long REMINDER_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Repeats of the same kind of failure (consumer, internal) are logged with a stack trace at most this often. */
    private static final long ERROR_LOG_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** What the syncer thread is doing about the watch. */
    private enum Phase {
        /** Watches open, changes flowing. */
        WATCHING,
        /** A re-list is wanted; it starts at {@code nextAttemptAt} (min interval, back-off). */
        WAITING,
        /** etcd was away: a probe read is out to see whether it is back before we list. */
        PROBING,
        /** A list is running on the list thread. */
        LISTING
    }

    private final KeyValueStore store;
    private final SyncerConfig config;
    private final SyncerCallbacks callbacks;
    private final String id;
    private final SignalQueue signals;
    private final SyncCache cache;
    private final Canary canary;
    private final DatastoreProbe probe;
    private final Thread thread;
    private final ExecutorService lister;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong updatesDelivered = new AtomicLong();
    private final AtomicLong lastRevision = new AtomicLong();
    private final AtomicLong watchFailures = new AtomicLong();
    private final AtomicLong canaryFailures = new AtomicLong();
    private final AtomicLong probeFailures = new AtomicLong();
    private final AtomicLong consumerFailures = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    private volatile SyncStatus status;
    private volatile Instant statusSince = Instant.now();
    private volatile Predicate<String> faultForTest;

    // Syncer-thread state.
    private Phase phase = Phase.WAITING;
    private String resyncReason = "start";
    private long nextAttemptAt;
    private final Backoff backoff;
    private int generation;
    private List<PrefixWatch> watches = List.of();
    private PrefixWatch canaryWatch;
    private final Map<String, Long> appliedRevisionByPrefix = new HashMap<>();
    private boolean listedOnce;
    /** This syncer's first list while it is a large one (null otherwise): the heap grows in large steps meanwhile. */
    private SnapshotHeap.Load heapLoad;
    private long firstListKeys;
    private boolean paused;
    private long lastListStartNanos;
    private int listAttempt;
    /** Changes the running list has delivered so far, for its log line. */
    private int listChanges;
    private Future<?> listTask;
    private long nextProbeAt;
    /** Total time spent inside consumer callbacks; probe deadlines do not count it against etcd. */
    private long busyNanos;
    /** Applied to the cache but not yet handed to the consumer. */
    private List<Update> undelivered = new ArrayList<>();
    private SyncStatus consumerStatus;
    private long statusRetryAt;
    private boolean datastoreDown;
    private long downSince;
    private long lastReminderAt;
    private int failedAttempts;
    private long lastConsumerErrorLogAt;
    private long lastInternalErrorLogAt;
    private long lastOverflowLogAt;
    private boolean loggedConsumerError;
    private boolean loggedInternalError;
    private boolean loggedOverflow;

    public Syncer(KeyValueStore store, SyncerConfig config, SyncerCallbacks callbacks) {
        this.store = store;
        this.config = config;
        this.callbacks = callbacks;
        this.id = config.syncerId();
        this.signals = new SignalQueue(config.maxPendingChanges(), config.enqueueTimeout().toNanos());
        this.canary = new Canary(store, config);
        this.probe = new DatastoreProbe(store, config.prefixes().get(0), config.probeTimeout().toNanos(), signals);
        this.cache = new SyncCache(config.canaryKey());
        this.backoff = new Backoff(config.minResyncInterval().toNanos(), config.maxRetryInterval().toNanos());
        this.thread = new Thread(this::run, "tabby-syncer-" + id);
        this.thread.setDaemon(true);
        this.lister = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tabby-syncer-" + id + "-list");
            t.setDaemon(true);
            return t;
        });
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
        lister.shutdownNow();
        canary.cleanUp(Duration.ofSeconds(1));
        LOG.infof("syncer=%s event=closed resyncs=%d updates=%d last_revision=%d", id, resyncs.get(),
                updatesDelivered.get(), lastRevision.get());
    }

    public SyncerCounters counters() {
        return new SyncerCounters(resyncs.get(), updatesDelivered.get(), lastRevision.get(), watchFailures.get(),
                canaryFailures.get(), status, probeFailures.get(), signals.refused(), consumerFailures.get(),
                internalErrors.get(), signals.pendingChanges(), signals.maxPendingChanges(), statusSince);
    }

    /** Where the syncer stands now (null before {@link #start()}); readiness should require IN_SYNC. */
    public SyncStatus status() {
        return status;
    }

    /** When {@link #status()} last changed. */
    public Instant statusSince() {
        return statusSince;
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

    /**
     * A fault point on the syncer thread: while set, a watched change whose key matches makes the
     * syncer thread throw, as a bug in the syncer would. Null removes it.
     */
    void injectFaultForTest(Predicate<String> keyThatFails) {
        faultForTest = keyThatFails;
    }

    private CompletableFuture<Void> command(SyncerSignal.Command.Kind kind) {
        SyncerSignal.Command command = SyncerSignal.Command.of(kind);
        signals.offer(command);
        return command.done();
    }

    // ---- the syncer thread ----

    private void run() {
        lastListStartNanos = System.nanoTime() - config.minResyncInterval().toNanos();
        nextAttemptAt = System.nanoTime();
        try {
            setStatus(SyncStatus.WAIT_FOR_DATASTORE, "starting");
            while (true) {
                try {
                    turn();
                } catch (StopRequested e) {
                    return;
                } catch (RuntimeException e) {
                    // Only close() ends this thread: a bug here costs a re-list, never the syncer.
                    recoverFromError(e);
                }
            }
        } catch (StopRequested e) {
            // close() asked us to stop.
        } finally {
            closeWatches();
            cancelList();
            endHeapLoad();
        }
    }

    /** One turn: start what is due, wait for signals or the next deadline, handle them, judge probes. */
    private void turn() {
        long now = System.nanoTime();
        if (consumerStatus != status && now - statusRetryAt >= 0) {
            tellConsumerStatus();
        }
        startDueWork(now);
        SyncerSignal first;
        try {
            first = signals.poll(Math.max(0, nextWakeUp(now) - now));
        } catch (InterruptedException e) {
            throw new StopRequested();
        }
        if (first != null) {
            List<SyncerSignal> batch = new ArrayList<>();
            batch.add(first);
            signals.drainTo(batch);
            try {
                for (SyncerSignal signal : batch) {
                    handle(signal);
                }
                deliverUndelivered();
            } finally {
                signals.release(batch);
            }
        }
        judgeProbe(System.nanoTime());
        pollCanary(System.nanoTime());
    }

    private void startDueWork(long now) {
        if (phase == Phase.WAITING && now - nextAttemptAt >= 0) {
            if (datastoreDown) {
                // Ask cheaply whether etcd is back before listing everything; make gRPC try to connect now.
                phase = Phase.PROBING;
                EtcdClients.resetConnectBackoff(store.client());
                probe.send(now, busyNanos, List.of());
            } else {
                startList(now);
            }
        }
        if (phase != Phase.PROBING && status == SyncStatus.IN_SYNC && !probe.inFlight() && now - nextProbeAt >= 0) {
            probe.send(now, busyNanos, phase == Phase.WATCHING ? watches : List.of());
        }
    }

    /** Absolute nanoTime of the next thing to do without a signal. */
    private long nextWakeUp(long now) {
        long wait = MAX_WAIT_NANOS;
        if (phase == Phase.WAITING) {
            wait = Math.min(wait, nextAttemptAt - now);
        }
        if (probe.inFlight()) {
            wait = Math.min(wait, probe.deadline(busyNanos) - now);
        } else if (status == SyncStatus.IN_SYNC && phase != Phase.PROBING) {
            wait = Math.min(wait, nextProbeAt - now);
        }
        if (phase == Phase.WATCHING && !paused && config.canaryEnabled()) {
            wait = Math.min(wait, canary.nextDeadline() - now);
        }
        if (consumerStatus != status) {
            wait = Math.min(wait, statusRetryAt - now);
        }
        return now + Math.max(0, wait);
    }

    private void handle(SyncerSignal signal) {
        if (signal instanceof SyncerSignal.Changes changes) {
            if (phase != Phase.WATCHING || changes.generation() != generation) {
                return; // from a watch we already replaced; the re-list covers it
            }
            long applied = appliedRevisionByPrefix.getOrDefault(changes.prefix(), 0L);
            Predicate<String> fault = faultForTest;
            for (WatchedChange change : changes.changes()) {
                if (fault != null && fault.test(change.key())) {
                    throw new IllegalStateException("fault injected by a test at key " + change.key());
                }
                Update update = cache.apply(change);
                if (update != null) {
                    undelivered.add(update);
                }
                applied = Math.max(applied, change.modRevision());
            }
            appliedRevisionByPrefix.put(changes.prefix(), applied);
            lastRevision.accumulateAndGet(applied, Math::max);
        } else if (signal instanceof SyncerSignal.WatchEnded ended) {
            if (phase != Phase.WATCHING || ended.generation() != generation) {
                return;
            }
            if (ended.overflowed()) {
                long now = System.nanoTime();
                if (!loggedOverflow || now - lastOverflowLogAt >= ERROR_LOG_NANOS) {
                    loggedOverflow = true;
                    lastOverflowLogAt = now;
                    LOG.infof("syncer=%s event=queue_full prefix=%s max_pending=%d reason=\"%s\" action=resync", id,
                            ended.prefix(), config.maxPendingChanges(), ended.reason());
                }
                requestResync("the consumer fell behind by more than " + config.maxPendingChanges() + " changes", 0);
            } else {
                watchFailures.incrementAndGet();
                LOG.infof("syncer=%s event=watch_failed prefix=%s compacted=%s reason=\"%s\" action=resync", id,
                        ended.prefix(), ended.compacted(), ended.reason());
                requestResync((ended.compacted() ? "compacted: " : "watch failed: ") + ended.reason(), 0);
            }
        } else if (signal instanceof SyncerSignal.ListedPage page) {
            page.taken().complete(null);
            if (phase == Phase.LISTING && page.attempt() == listAttempt) {
                listedPage(page);
            }
        } else if (signal instanceof SyncerSignal.Listed listed) {
            if (phase == Phase.LISTING && listed.attempt() == listAttempt) {
                listTask = null;
                listFinished(listed);
            }
        } else if (signal instanceof SyncerSignal.ProbeAnswered answer) {
            probe.answered(answer);
        } else {
            handleCommand((SyncerSignal.Command) signal);
        }
    }

    private void handleCommand(SyncerSignal.Command command) {
        switch (command.kind()) {
            case STOP -> throw new StopRequested();
            case PAUSE_WATCHES -> {
                if (phase == Phase.WATCHING) {
                    closeWatches();
                    paused = true;
                }
            }
            case RESUME_WATCHES -> {
                if (phase == Phase.WATCHING && paused) {
                    paused = false;
                    openWatches(cache.listRevision());
                }
            }
            case MUTE_WATCHES -> {
                watches.forEach(PrefixWatch::mute);
                if (canaryWatch != null) {
                    canaryWatch.mute();
                }
            }
        }
        // Outside WATCHING the test hooks are moot: a re-list is on its way.
        command.done().complete(null);
    }

    /** Closes the watches and arranges a re-list, at least the min interval after the last one. */
    private void requestResync(String reason, long delayNanos) {
        closeWatches();
        cancelList();
        paused = false;
        phase = Phase.WAITING;
        resyncReason = reason;
        long now = System.nanoTime();
        long earliest = lastListStartNanos + config.minResyncInterval().toNanos();
        nextAttemptAt = now + delayNanos - earliest >= 0 ? now + delayNanos : earliest;
    }

    private void startList(long now) {
        closeWatches();
        paused = false;
        phase = Phase.LISTING;
        lastListStartNanos = now;
        int attempt = ++listAttempt;
        cache.beginList();
        listChanges = 0;
        // Counted per attempt: pages of a first list that failed partway are not part of the snapshot being loaded.
        firstListKeys = 0;
        LOG.debugf("syncer=%s event=list_start reason=\"%s\" prefixes=%d", id, resyncReason, config.prefixes().size());
        listTask = lister.submit(() -> signals.offer(list(attempt)));
        if (status == SyncStatus.IN_SYNC && !probe.inFlight()) {
            // A re-list usually follows a watch failure, which is when etcd has most likely gone: ask now.
            probe.send(now, busyNanos, List.of());
        }
    }

    /**
     * Runs on the list thread: hands each page to the syncer thread as it arrives, at most two ahead of what the
     * syncer thread has taken, so a large list never holds more than a few pages of raw values.
     */
    private SyncerSignal.Listed list(int attempt) {
        try {
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            long revision = store.listPages(config.prefixes(), 0, config.listPageSize(), (prefix, entries) -> {
                if (inFlight.size() == 2) {
                    awaitTaken(inFlight.remove(0));
                }
                SyncerSignal.ListedPage page = new SyncerSignal.ListedPage(attempt, entries, new CompletableFuture<>());
                inFlight.add(page.taken());
                signals.offer(page);
            });
            return new SyncerSignal.Listed(attempt, revision, null);
        } catch (RuntimeException e) {
            return new SyncerSignal.Listed(attempt, 0, e);
        }
    }

    /** On the list thread: waits for the syncer thread to take a page; cancelling the list interrupts the wait. */
    private static void awaitTaken(CompletableFuture<Void> taken) {
        try {
            taken.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("list cancelled");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * A page of the running list: its news goes to the consumer at once, so its raw values are garbage as soon as
     * the consumer has decoded them. Deletes wait for {@link #listFinished}: only a complete list tells what is gone.
     */
    private void listedPage(SyncerSignal.ListedPage page) {
        if (status != SyncStatus.IN_SYNC) {
            setStatus(SyncStatus.RESYNC, recoveredNote(System.nanoTime()) + "listing " + config.prefixes().size()
                    + " prefixes");
        }
        List<Update> news = cache.listedPage(page.entries());
        listChanges += news.size();
        if (!listedOnce) {
            firstListKeys += page.entries().size();
            if (heapLoad == null && firstListKeys >= SnapshotHeap.LARGE_SNAPSHOT_KEYS) {
                heapLoad = SnapshotHeap.JVM.begin(id);
            }
        }
        undelivered.addAll(news);
        deliverUndelivered();
    }

    private String recoveredNote(long now) {
        return datastoreDown ? "etcd answers again after " + TimeUnit.NANOSECONDS.toMillis(now - downSince) / 1000.0
                + " s; " : "";
    }

    private void cancelList() {
        if (listTask != null) {
            listTask.cancel(true);
            listTask = null;
        }
        listAttempt++; // whatever it still reports is stale
    }

    private void endHeapLoad() {
        if (heapLoad != null) {
            heapLoad.end();
            heapLoad = null;
        }
    }

    private void listFinished(SyncerSignal.Listed listed) {
        long now = System.nanoTime();
        String reason = resyncReason;
        RuntimeException failure = listed.failure();
        if (failure instanceof RevisionCompactedException) {
            // Compacted between the pages of our own list: just list again.
            LOG.infof("syncer=%s event=list_retry reason=\"%s\"", id, failure.getMessage());
            requestResync(resyncReason, 0);
            return;
        }
        if (failure != null) {
            String kind = failure instanceof DatastoreUnavailableException ? "unavailable"
                    : failure instanceof AccessDeniedException ? "access_denied" : "error";
            datastoreLost("list failed (" + kind + "): " + EtcdErrors.rootCause(failure), now);
            return;
        }
        String recovered = recoveredNote(now);
        datastoreDown = false;
        long revision = listed.revision();
        // Watch first, deliver second: the watch starts at R+1 no matter how long the consumer
        // takes with the snapshot, so a compaction meanwhile cannot cut us off.
        appliedRevisionByPrefix.clear();
        openWatches(revision);
        phase = Phase.WATCHING;
        nextProbeAt = now + config.probeInterval().toNanos();
        if (status != SyncStatus.IN_SYNC) {
            setStatus(SyncStatus.RESYNC, recovered + "listed " + config.prefixes().size() + " prefixes at revision "
                    + revision);
        }
        // Every page has been delivered (a page the consumer refused would have cancelled this list).
        List<Update> deletes = cache.finishList(revision);
        listChanges += deletes.size();
        lastRevision.accumulateAndGet(revision, Math::max);
        if (listedOnce) {
            resyncs.incrementAndGet();
        }
        listedOnce = true;
        boolean delivered = deliverUpdates(deletes);
        if (delivered) {
            backoff.reset();
            setStatus(SyncStatus.IN_SYNC, "the consumer has the snapshot at revision " + revision);
            endHeapLoad();
        }
        LOG.infof("syncer=%s event=list_done reason=\"%s\" revision=%d keys=%d changes=%d took_ms=%d", id,
                reason, revision, cache.size(), listChanges,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastListStartNanos));
    }

    /**
     * etcd did not answer (a probe) or refused (a list): stop watching, report WAIT_FOR_DATASTORE
     * once, and try again after the back-off. Repeats are logged at debug, with a reminder at
     * warn every minute.
     */
    private void datastoreLost(String reason, long now) {
        closeWatches();
        cancelList();
        probe.cancel();
        phase = Phase.WAITING;
        resyncReason = "etcd was away";
        nextAttemptAt = now + backoff.next();
        failedAttempts++;
        if (!datastoreDown) {
            datastoreDown = true;
            downSince = now;
            lastReminderAt = now;
            failedAttempts = 1;
            if (status != SyncStatus.WAIT_FOR_DATASTORE) {
                setStatus(SyncStatus.WAIT_FOR_DATASTORE, reason);
            } else {
                LOG.warnf("syncer=%s event=datastore_unavailable reason=\"%s\" action=retry", id, reason);
            }
        } else if (now - lastReminderAt >= REMINDER_NANOS) {
            lastReminderAt = now;
            LOG.warnf("syncer=%s event=datastore_still_unavailable down_s=%d attempts=%d reason=\"%s\" action=retry",
                    id, TimeUnit.NANOSECONDS.toSeconds(now - downSince), failedAttempts, reason);
        } else {
            LOG.debugf("syncer=%s event=datastore_attempt_failed attempts=%d reason=\"%s\" retry_in_ms=%d", id,
                    failedAttempts, reason, TimeUnit.NANOSECONDS.toMillis(nextAttemptAt - now));
        }
    }

    private void judgeProbe(long now) {
        DatastoreProbe.Verdict verdict = probe.verdict(now, busyNanos);
        switch (verdict.outcome()) {
            case PENDING -> {
            }
            case HEALTHY -> {
                if (phase == Phase.PROBING) {
                    LOG.debugf("syncer=%s event=datastore_answers action=list", id);
                    startList(now);
                } else {
                    nextProbeAt = probe.sentAt() + config.probeInterval().toNanos();
                }
            }
            case UNREACHABLE -> {
                probeFailures.incrementAndGet();
                datastoreLost(verdict.reason(), now);
            }
            case SILENT_WATCH -> {
                probeFailures.incrementAndGet();
                nextProbeAt = now + config.probeInterval().toNanos();
                if (phase == Phase.WATCHING) {
                    LOG.warnf("syncer=%s event=watch_silent reason=\"%s\" action=resync", id, verdict.reason());
                    requestResync("silent watch: " + verdict.reason(), 0);
                }
            }
        }
    }

    private void pollCanary(long now) {
        if (phase != Phase.WATCHING || paused) {
            return;
        }
        String silent = canary.poll(now, canaryWatch, watches);
        if (silent != null) {
            canaryFailures.incrementAndGet();
            LOG.warnf("syncer=%s event=watch_silent reason=\"%s\" action=resync", id, silent);
            requestResync("silent watch: " + silent, 0);
        }
    }

    /**
     * A bug on this thread (or in something it called) must not end the syncer: whatever was
     * applied to the cache but not delivered is marked for re-delivery, the watches close, the
     * status leaves IN_SYNC and a re-list follows after the back-off.
     */
    private void recoverFromError(RuntimeException e) {
        internalErrors.incrementAndGet();
        long now = System.nanoTime();
        if (!loggedInternalError || now - lastInternalErrorLogAt >= ERROR_LOG_NANOS) {
            loggedInternalError = true;
            lastInternalErrorLogAt = now;
            LOG.errorf(e, "syncer=%s event=syncer_error error=\"%s\" action=resync", id, e);
        } else {
            LOG.debugf("syncer=%s event=syncer_error error=\"%s\" action=resync", id, e);
        }
        if (!undelivered.isEmpty()) {
            cache.markUndelivered(undelivered);
            undelivered = new ArrayList<>();
        }
        probe.cancel();
        requestResync("recovering from an internal error: " + e, backoff.next());
        if (status == SyncStatus.IN_SYNC) {
            setStatus(SyncStatus.RESYNC, "internal error " + e + "; re-listing");
        }
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
                opened.add(PrefixWatch.open(store.client(), prefix, from, generation, signals));
            }
            if (config.canaryEnabled()) {
                canaryWatch = PrefixWatch.openKey(store.client(), canary.key(), listRevision + 1, generation, signals);
            }
        } catch (RuntimeException e) {
            // e.g. the client was closed under us; report like any watch failure so we re-list.
            signals.offer(new SyncerSignal.WatchEnded(generation, "*", EtcdErrors.rootCause(e), false, false));
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

    private void deliverUndelivered() {
        if (!undelivered.isEmpty()) {
            List<Update> updates = undelivered;
            undelivered = new ArrayList<>();
            deliverUpdates(updates);
        }
    }

    /**
     * Hands the updates over in chunks. If the consumer throws, that chunk and everything after
     * it is marked for re-delivery and a re-list follows: the consumer gets a resync, not a gap.
     *
     * @return true if the consumer took them all
     */
    private boolean deliverUpdates(List<Update> updates) {
        int max = config.maxUpdatesPerCallback();
        for (int from = 0; from < updates.size(); from += max) {
            List<Update> chunk = List.copyOf(updates.subList(from, Math.min(updates.size(), from + max)));
            long began = System.nanoTime();
            try {
                callbacks.onUpdates(chunk);
            } catch (RuntimeException e) {
                consumerFailed(e, updates.subList(from, updates.size()), chunk.size());
                return false;
            } finally {
                busyNanos += System.nanoTime() - began;
            }
            updatesDelivered.addAndGet(chunk.size());
        }
        return true;
    }

    private void consumerFailed(RuntimeException e, List<Update> notTaken, int chunkSize) {
        consumerFailures.incrementAndGet();
        long now = System.nanoTime();
        if (!loggedConsumerError || now - lastConsumerErrorLogAt >= ERROR_LOG_NANOS) {
            loggedConsumerError = true;
            lastConsumerErrorLogAt = now;
            LOG.errorf(e, "syncer=%s event=callback_failed callback=onUpdates updates=%d redeliver=%d action=resync",
                    id, chunkSize, notTaken.size());
        } else {
            LOG.debugf("syncer=%s event=callback_failed callback=onUpdates error=\"%s\" action=resync", id, e);
        }
        cache.markUndelivered(notTaken);
        requestResync("the consumer failed on " + notTaken.size() + " updates", backoff.next());
        if (status == SyncStatus.IN_SYNC) {
            setStatus(SyncStatus.RESYNC, "the consumer threw " + e + "; re-delivering by a re-list");
        }
    }

    /** Records the new status (one log line per change) and tells the consumer. */
    private void setStatus(SyncStatus next, String reason) {
        if (next != status) {
            if (next == SyncStatus.WAIT_FOR_DATASTORE && status != null) {
                LOG.warnf("syncer=%s event=status from=%s to=%s reason=\"%s\"", id, status, next, reason);
            } else {
                LOG.infof("syncer=%s event=status from=%s to=%s reason=\"%s\"", id, status, next, reason);
            }
            status = next;
            statusSince = Instant.now();
        }
        tellConsumerStatus();
    }

    /**
     * Tells the consumer the current status. Should onStatus throw, the consumer is told again
     * (the then-current status) after the min resync interval, so it never stays on a stale one.
     */
    private void tellConsumerStatus() {
        if (consumerStatus == status) {
            return;
        }
        SyncStatus telling = status;
        try {
            callbacks.onStatus(telling);
            consumerStatus = telling;
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            statusRetryAt = now + config.minResyncInterval().toNanos();
            if (!loggedConsumerError || now - lastConsumerErrorLogAt >= ERROR_LOG_NANOS) {
                loggedConsumerError = true;
                lastConsumerErrorLogAt = now;
                LOG.errorf(e, "syncer=%s event=callback_failed callback=onStatus status=%s action=retry", id, telling);
            } else {
                LOG.debugf("syncer=%s event=callback_failed callback=onStatus status=%s error=\"%s\" action=retry", id,
                        telling, e);
            }
        }
    }

    /** Unwinds the syncer thread when close() asks it to stop mid-way. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
