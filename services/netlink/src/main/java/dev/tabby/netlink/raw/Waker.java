package dev.tabby.netlink.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An eventfd that another thread signals to wake a reader blocked in poll(); closing a socket under a blocked
 * reader is racy (the fd number may be reused), waking it so it closes its own socket is not.
 */
public final class Waker implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private Waker(int fd) {
        this.fd = fd;
    }

    public static Waker open() throws ErrnoException {
        int fd = Sys.libc().eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
        if (fd < 0) {
            throw new ErrnoException(Sys.errno(), "eventfd");
        }
        return new Waker(fd);
    }

    int fd() {
        return fd;
    }

    /** Makes the fd readable; safe from any thread. */
    public void wake() {
        ByteBuffer one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        one.putLong(0, 1);
        Sys.libc().write(fd, one, 8);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}
