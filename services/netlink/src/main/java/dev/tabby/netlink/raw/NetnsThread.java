package dev.tabby.netlink.raw;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    private final ExecutorService executor;

    private NetnsThread(ExecutorService executor) {
        this.executor = executor;
    }

    /** Starts the thread and moves it into the namespace at {@code ns}; fails if the namespace cannot be entered. */
    public static NetnsThread enter(Path ns) throws ErrnoException {
        String label = ns.getFileName() == null ? ns.toString() : ns.getFileName().toString();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tabby-netns-" + label);
            t.setDaemon(true);
            return t;
        });
        NetnsThread thread = new NetnsThread(executor);
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
        } catch (ErrnoException | RuntimeException e) {
            executor.shutdownNow();
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

    @Override
    public void close() {
        executor.shutdown();
    }
}
