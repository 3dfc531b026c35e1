package dev.tabby.dataplane.loop;

import dev.tabby.dataplane.ApplyResult;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one thread on which a node-local service touches its manager and the kernel. Callers on other threads hand it
 * updates with {@link #onUpdate(Runnable)} (which record changes, with no kernel I/O) or just {@link #markDirty()};
 * the thread runs all queued updates, then one apply for the whole batch. The decisions (in-sync gate, backoff,
 * periodic resync) are {@link LoopCore}'s.
 *
 * <p>Because the manager is only ever touched on this thread, it needs no locks.
 */
public final class ApplyLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApplyLoop.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final LoopSettings settings;
    private final Ticker ticker;
    private final LoopCore core;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    // Set by markDirty() so a storm of marks queues one wake-up rather than one task each.
    private final AtomicBoolean dirtyMarked = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;

    public ApplyLoop(LoopSettings settings, Supplier<ApplyResult> apply, Runnable resync) {
        this(settings, Ticker.SYSTEM, apply, resync);
    }

    ApplyLoop(LoopSettings settings, Ticker ticker, Supplier<ApplyResult> apply, Runnable resync) {
        this.settings = settings;
        this.ticker = ticker;
        this.core = new LoopCore(settings, ticker, apply, resync);
        this.thread = new Thread(this::run, "tabby-apply-" + settings.name());
        this.thread.setDaemon(true);
    }

    public ApplyLoop start() {
        thread.start();
        return this;
    }

    /** Runs {@code recordChange} on the loop thread, then applies (coalesced with every other queued update). */
    public void onUpdate(Runnable recordChange) {
        tasks.add(() -> {
            recordChange.run();
            core.markDirty();
        });
    }

    /** Something changed; apply soon. Cheap and safe from any thread. */
    public void markDirty() {
        if (dirtyMarked.compareAndSet(false, true)) {
            tasks.add(() -> {
            });
        }
    }

    /** The datastore is in sync: kernel writes may begin. Queued behind every update handed in before it. */
    public void markInSync() {
        tasks.add(core::markInSync);
    }

    /** Re-read the kernel now rather than at the next interval. */
    public void requestResync() {
        tasks.add(core::requestResync);
    }

    public LoopStatus status() {
        return core.status();
    }

    public LoopCounters counters() {
        return core.counters();
    }

    /** For liveness: the thread is running and no apply has been stuck longer than {@code stuckAfter}. */
    public boolean turning(Duration stuckAfter) {
        return thread.isAlive() && core.applyRunningFor().compareTo(stuckAfter) <= 0;
    }

    private void run() {
        try {
            while (running) {
                drainTasks();
                long deadline = core.runDue();
                Runnable next = deadline == LoopCore.NO_DEADLINE
                        ? tasks.take()
                        : tasks.poll(Math.max(0, deadline - ticker.nanoTime()), TimeUnit.NANOSECONDS);
                if (next != null) {
                    runTask(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debugf("%s: apply loop stopped", settings.name());
    }

    private void drainTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            runTask(task);
        }
        if (dirtyMarked.getAndSet(false)) {
            core.markDirty();
        }
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A bad update is a bug in the manager; the loop must keep turning for the other updates.
            LOG.errorf(e, "%s: an update failed while recording it", settings.name());
        }
    }

    /** Stops the thread after the apply in progress, if any, finishes. */
    @Override
    public void close() {
        running = false;
        tasks.add(() -> {
        });
        try {
            thread.join(CLOSE_WAIT.toMillis());
            if (thread.isAlive()) {
                LOG.warnf("%s: apply loop did not stop within %s; interrupting it", settings.name(), CLOSE_WAIT);
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
