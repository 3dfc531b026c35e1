package dev.tabby.dataplane.loop;

import dev.tabby.dataplane.ApplyResult;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The apply loop's decisions, without a thread: when to apply, when to resync, how long to back off. {@link ApplyLoop}
 * runs it on its own thread; tests call it directly with a fake {@link Ticker}.
 *
 * <p>Rules: nothing is applied before {@link #markInSync()}; any number of {@link #markDirty()} calls between two
 * {@link #runDue()} calls make one apply; a failed apply is retried after {@link Backoff}, and dirty marks during the
 * backoff wait for it; every resync interval the drivers are told to re-read the kernel.
 *
 * <p>Not thread-safe, except {@link #status()}, {@link #counters()} and {@link #applyRunningFor()}, which any thread
 * may read.
 */
public final class LoopCore {
    /** {@link #runDue()}'s answer when nothing is scheduled: wait for the next mark. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final Logger LOG = Logger.getLogger(LoopCore.class);

    private final LoopSettings settings;
    private final Ticker ticker;
    private final Supplier<ApplyResult> apply;
    private final Runnable resync;

    private boolean inSync;
    private boolean dirty;
    private boolean resyncRequested;
    private long nextResyncAt;
    private long retryAt;
    private int consecutiveFailures;
    private boolean applied;

    private long applies;
    private long failures;
    private long resyncs;

    private volatile LoopStatus status = LoopStatus.STARTING;
    private volatile LoopCounters counters = LoopCounters.ZERO;
    private volatile long applyStartedAt;
    private volatile boolean applying;

    /**
     * @param apply  the service's apply: every kernel write happens in it; it reports failed objects in its result
     * @param resync tells the drivers to re-read the kernel on their next apply (no kernel I/O itself)
     */
    public LoopCore(LoopSettings settings, Ticker ticker, Supplier<ApplyResult> apply, Runnable resync) {
        this.settings = settings;
        this.ticker = ticker;
        this.apply = apply;
        this.resync = resync;
    }

    public void markDirty() {
        dirty = true;
    }

    /** The datastore's first in-sync: from now on the kernel may be written. Later calls change nothing. */
    public void markInSync() {
        if (inSync) {
            return;
        }
        inSync = true;
        dirty = true;
        nextResyncAt = ticker.nanoTime() + settings.resyncInterval().toNanos();
        publishStatus(null);
    }

    /** Resync on the next turn rather than waiting for the interval, e.g. after the service recreated a device. */
    public void requestResync() {
        resyncRequested = true;
    }

    /**
     * Does whatever is due now: a resync, then an apply. Returns the {@link Ticker} time at which it next has work
     * without any new mark, or {@link #NO_DEADLINE}.
     */
    public long runDue() {
        if (!inSync) {
            return NO_DEADLINE;
        }
        long now = ticker.nanoTime();
        boolean periodic = !settings.resyncInterval().isZero() && now - nextResyncAt >= 0;
        if (periodic || resyncRequested) {
            resyncRequested = false;
            nextResyncAt = now + settings.resyncInterval().toNanos();
            resyncs++;
            resync.run();
            dirty = true;
            publishCounters(counters.lastApplyDuration());
        }
        if (dirty && (consecutiveFailures == 0 || now - retryAt >= 0)) {
            applyNow();
        }
        return nextDeadline();
    }

    private long nextDeadline() {
        long deadline = settings.resyncInterval().isZero() ? NO_DEADLINE : nextResyncAt;
        if (dirty && consecutiveFailures > 0 && retryAt - deadline < 0) {
            deadline = retryAt;
        }
        return deadline;
    }

    private void applyNow() {
        dirty = false;
        long start = ticker.nanoTime();
        applyStartedAt = start;
        applying = true;
        String error;
        try {
            ApplyResult result = apply.get();
            error = result.ok() ? null : result.summary();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: apply threw", settings.name());
            error = "apply threw " + e;
        } finally {
            applying = false;
        }
        long end = ticker.nanoTime();
        applies++;
        applied = true;
        if (error == null) {
            consecutiveFailures = 0;
        } else {
            failures++;
            consecutiveFailures++;
            // The failed objects are still pending in the drivers; apply again once the backoff has passed.
            dirty = true;
            Duration wait = settings.backoff().delayAfter(consecutiveFailures);
            retryAt = end + wait.toNanos();
            LOG.warnf("%s: apply failed (%d in a row), retrying in %s: %s", settings.name(), consecutiveFailures,
                    wait, error);
        }
        publishStatus(error);
        publishCounters(Duration.ofNanos(end - start));
    }

    private void publishStatus(String error) {
        status = new LoopStatus(inSync, applied, applied && error == null, error, consecutiveFailures);
    }

    private void publishCounters(Duration lastApplyDuration) {
        counters = new LoopCounters(applies, failures, resyncs, lastApplyDuration);
    }

    public LoopStatus status() {
        return status;
    }

    public LoopCounters counters() {
        return counters;
    }

    /** How long the current apply has been running, or zero when none is: lets liveness spot a stuck kernel call. */
    public Duration applyRunningFor() {
        return applying ? Duration.ofNanos(ticker.nanoTime() - applyStartedAt) : Duration.ZERO;
    }
}
