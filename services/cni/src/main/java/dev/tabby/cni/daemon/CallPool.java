package dev.tabby.cni.daemon;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that serve CNI calls: an idle one takes the next call, a new one starts only when every thread is busy
 * (up to a maximum, beyond which calls wait in line), and a thread idle for a while ends. A fixed pool of 32 started
 * a thread for each of its first 32 calls even when the others were idle, and kept all 32 for ever: the daemon went
 * from 22 to 54 threads after a node's first 100 pods (issue 16's footprint bench), each with its stack.
 * ({@link ThreadPoolExecutor} alone cannot do this: below its core size it starts a thread per task, and above it it
 * queues before it grows.)
 */
final class CallPool {
    private CallPool() {
    }

    /** A pool of at most {@code max} threads, each ending after {@code idleMillis} without a call. */
    static ThreadPoolExecutor create(int max, long idleMillis, ThreadFactory threads) {
        HandOffQueue queue = new HandOffQueue();
        return new ThreadPoolExecutor(0, max, idleMillis, TimeUnit.MILLISECONDS, queue, threads, (call, pool) -> {
            if (pool.isShutdown()) {
                throw new RejectedExecutionException("the CNI daemon is shutting down");
            }
            queue.waitInLine(call); // all max threads are busy: the first to finish takes it
        });
    }

    /**
     * Offers a call only to an idle thread already waiting for one, so that the pool starts a thread when none is;
     * calls beyond the maximum wait in line.
     */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        @Override
        public boolean offer(Runnable call) {
            return tryTransfer(call);
        }

        void waitInLine(Runnable call) {
            super.offer(call);
        }
    }
}
