package dev.tabby.probe.checks;

import dev.tabby.netlink.raw.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/**
 * A throw-away network namespace that cannot leak: a dedicated thread calls unshare(CLONE_NEWNET) and then only
 * waits; the namespace is reachable as {@code /proc/<pid>/task/<tid>/ns/net} while that thread lives, and the kernel
 * frees it (with every interface made in it) once the thread has ended and nothing else holds it. No {@code ip netns}
 * name, no mount, nothing to clean up after a crash.
 */
final class ScratchNamespace implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;

    /** The one libc call this needs. */
    public interface Unshare {
        int unshare(int flags);
    }

    private static final class Libc {
        static final Unshare LIBC = LibraryLoader.create(Unshare.class).option(LibraryOption.SaveError, Boolean.TRUE)
                .load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private final Thread holder;
    private final CountDownLatch release;
    private final Path path;

    private ScratchNamespace(Thread holder, CountDownLatch release, Path path) {
        this.holder = holder;
        this.release = release;
        this.path = path;
    }

    static ScratchNamespace create() throws IOException {
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            try {
                if (Libc.LIBC.unshare(CLONE_NEWNET) != 0) {
                    int errno = Libc.RUNTIME.getLastError();
                    result.set(new IOException("unshare(CLONE_NEWNET) failed: " + Errno.name(errno)
                            + " (" + Errno.text(errno) + ")"));
                    return;
                }
                // "<pid>/task/<tid>": names this thread's namespace for any thread of the process.
                String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
                result.set(Path.of("/proc", self, "ns", "net"));
            } catch (IOException e) {
                result.set(new IOException("cannot name the scratch namespace (/proc/thread-self): " + e.getMessage(), e));
                return;
            } catch (RuntimeException | LinkageError e) {
                result.set(new IOException("cannot call unshare(): " + e, e));
                return;
            } finally {
                ready.countDown();
            }
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // only close() ends this thread
                }
            }
        }, "tabby-probe-netns");
        holder.setDaemon(true);
        holder.start();
        try {
            if (!ready.await(10, TimeUnit.SECONDS)) {
                release.countDown();
                throw new IOException("the scratch namespace thread did not start");
            }
        } catch (InterruptedException e) {
            release.countDown();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the scratch namespace", e);
        }
        Object r = result.get();
        if (r instanceof IOException e) {
            throw e;
        }
        return new ScratchNamespace(holder, release, (Path) r);
    }

    /** {@code /proc/<pid>/task/<tid>/ns/net}, valid until {@link #close()}. */
    Path path() {
        return path;
    }

    @Override
    public void close() {
        release.countDown();
        try {
            holder.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
