package dev.tabby.datastore.syncer;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The syncer's inbox, with backpressure on watch changes only.
 *
 * <p>Each {@link SyncerSignal.Changes} takes one permit per change from a fixed pool of
 * {@code maxPendingChanges}; the syncer gives them back only after it has handed those changes to
 * the consumer. So changes queued plus changes being delivered never exceed the bound, however
 * slow the consumer. A watch callback that finds no room waits at most {@code enqueueTimeout}
 * and then reports failure, and its watch marks itself overflowed so that the syncer re-lists
 * rather than lose the change silently.
 *
 * <p>Everything else (commands, watch failures, list results, probe answers) goes in without a
 * permit and never waits: STOP must get through a full queue, and a list result must never
 * wait for the consumer that is waiting for it.
 *
 * <p>Why this cannot deadlock: the only thread that ever waits here is a jetcd callback thread,
 * and only for a bounded time. In jetcd 0.8.5 that is a Vert.x event-loop thread, the same one
 * that completes KV calls (checked: watch listener and {@code get} completion both ran on
 * vert.x-eventloop-thread-0), so blocking it indefinitely could starve the very list the syncer
 * waits for. It is never blocked indefinitely: the syncer thread never waits for a permit, the
 * list runs on its own thread, probe and list results come back as permit-free signals, and a
 * full queue makes the callback give up after {@code enqueueTimeout} (default 500 ms, below
 * Vert.x's 2 s blocked-thread warning). At worst a list or probe answer is held up that long.
 */
final class SignalQueue {

    private final LinkedBlockingQueue<SyncerSignal> queue = new LinkedBlockingQueue<>();
    private final int capacity;
    private final long enqueueTimeoutNanos;
    private final Semaphore room;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger maxPending = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    SignalQueue(int capacity, long enqueueTimeoutNanos) {
        this.capacity = capacity;
        this.enqueueTimeoutNanos = enqueueTimeoutNanos;
        this.room = new Semaphore(capacity);
    }

    /** A signal that is not a batch of changes: never blocks, never refused. */
    void offer(SyncerSignal signal) {
        if (signal instanceof SyncerSignal.Changes) {
            throw new IllegalArgumentException("changes must go through offerChanges");
        }
        queue.offer(signal);
    }

    /**
     * Queues changes if there is room within {@code enqueueTimeout}.
     *
     * @return false when the consumer is too far behind (or the batch alone exceeds the bound)
     */
    boolean offerChanges(SyncerSignal.Changes changes) {
        int n = changes.changes().size();
        boolean acquired = false;
        try {
            acquired = n <= capacity && room.tryAcquire(n, enqueueTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!acquired) {
            refused.incrementAndGet();
            return false;
        }
        int now = pending.addAndGet(n);
        maxPending.accumulateAndGet(now, Math::max);
        queue.offer(changes);
        return true;
    }

    SyncerSignal poll(long timeoutNanos) throws InterruptedException {
        return queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    void drainTo(List<SyncerSignal> batch) {
        queue.drainTo(batch);
    }

    /** The syncer is done with these signals (delivered or dropped): their changes no longer count. */
    void release(List<SyncerSignal> handled) {
        int n = 0;
        for (SyncerSignal signal : handled) {
            if (signal instanceof SyncerSignal.Changes changes) {
                n += changes.changes().size();
            }
        }
        if (n > 0) {
            pending.addAndGet(-n);
            room.release(n);
        }
    }

    /** Changes queued or being delivered right now. */
    int pendingChanges() {
        return pending.get();
    }

    /** Batches of changes turned away for want of room (each makes its watch overflow). */
    long refused() {
        return refused.get();
    }

    /** The most changes ever pending at once; never above the bound. */
    int maxPendingChanges() {
        return maxPending.get();
    }
}
