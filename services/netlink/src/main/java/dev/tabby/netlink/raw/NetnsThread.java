package dev.tabby.netlink.raw;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A daemon thread that has entered one network namespace and stays there. setns() is per thread, so sockets are
 * created and /proc/sys/net is read here; the callers' threads are never switched.
 */
public final class NetnsThread implements AutoCloseable {
    /** Work that may fail with a system error. */
    @FunctionalInterface
    public interface Task<T> {
        T run() throws ErrnoException;
    }

    /** Tasks are single system calls and small file reads; one still running after this is stuck. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ExecutorService executor;
    private final AtomicReference<Thread> thread;

    private NetnsThread(ExecutorService executor, AtomicReference<Thread> thread) {
        this.executor = executor;
        this.thread = thread;
    }

    /** Starts the thread and moves it into the namespace at {@code ns}; fails if the namespace cannot be entered. */
    public static NetnsThread enter(Path ns) throws ErrnoException {
        String label = ns.getFileName() == null ? ns.toString() : ns.getFileName().toString();
        AtomicReference<Thread> worker = new AtomicReference<>();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tabby-netns-" + label);
            t.setDaemon(true);
            worker.set(t);
            return t;
        });
        NetnsThread thread = new NetnsThread(executor, worker);
        try {
            thread.call(() -> {
                int fd = Sys.openNamespace(ns.toString());
                try {
                    if (Sys.libc().setns(fd, Sys.CLONE_NEWNET) < 0) {
                        throw new ErrnoException(Sys.errno(), "setns(" + ns + ")");
                    }
                } finally {
                    Sys.close(fd);
                }
                return null;
            });
        } catch (Throwable e) {
            // Whatever failed (setns refused, the path no namespace, libc not loadable), the thread must not outlive
            // this call: a thread that did enter would keep the namespace alive after `ip netns del`.
            thread.close();
            throw e;
        }
        return thread;
    }

    /** Runs {@code task} on the namespace thread and waits for it; its exceptions arrive here unchanged. */
    public <T> T call(Task<T> task) throws ErrnoException {
        Callable<T> callable = task::run;
        Future<T> future = executor.submit(callable);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the task is already running in the namespace; let it finish
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ErrnoException errno) {
                throw errno;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ends the thread (after any task already submitted) and waits for it to be gone, so its namespace is no longer
     * held once this returns. Idempotent.
     */
    @Override
    public void close() {
        executor.shutdown();
        boolean interrupted = false;
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        Thread t = thread.get();
        try {
            // Joined, not only awaited: the executor counts as terminated while its thread is still unwinding.
            while (t != null && t.isAlive() && t != Thread.currentThread()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    executor.shutdownNow(); // a task stuck in a system call: interrupt it rather than wait forever
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
