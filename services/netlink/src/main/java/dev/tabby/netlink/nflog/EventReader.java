package dev.tabby.netlink.nflog;

import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.ReceiveBuffer;
import dev.tabby.netlink.raw.Waker;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The blocking read loop that {@link NflogSocket} and {@link ConntrackEvents} share: one thread at a time reads, it
 * blocks in poll() on the socket and a {@link Waker}, and {@link #close()} from any thread wakes it and waits for it
 * to leave before the fds are closed, so no fd is closed (and perhaps reused) under a blocked reader (the same reason
 * as dev.tabby.netlink.EventWatch).
 *
 * <p>A full receive buffer is not an error: the kernel drops what did not fit and says so once, with ENOBUFS, on the
 * next read; the socket stays good. Those are counted in {@link #overruns()} and reading goes on.
 */
final class EventReader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventReader.class);

    /** Datagrams drained after a wake-up between looks at close(). */
    private static final int CLOSED_CHECK_EVERY = 256;

    private final NetlinkSocket socket;
    private final Waker waker;
    private final String what;
    private final AtomicLong overruns = new AtomicLong();
    private Thread reader;
    private boolean closed;
    private boolean released;

    private final long batchMillis;
    private final boolean batched;

    /**
     * @param batchMillis how long the reader rests after draining the socket, so that what arrives meanwhile is read
     *                    in one go: a sender that puts each message in a datagram of its own (ctnetlink) otherwise
     *                    costs a wake-up, a poll() and a recv() per message. 0 for a sender that batches itself
     *                    (nfnetlink_log, NFULA_CFG_TIMEOUT). The socket's receive buffer must hold that long's worth.
     * @param batched     whether what is queued is read many datagrams per system call (recvmmsg), for a sender of
     *                    one small message per datagram; false for a sender of large datagrams (they may not fit)
     */
    EventReader(NetlinkSocket socket, Waker waker, String what, long batchMillis, boolean batched) {
        this.socket = socket;
        this.waker = waker;
        this.what = what;
        this.batchMillis = batchMillis;
        this.batched = batched;
    }

    /** Rests {@link #batchMillis}, or less when {@link #close()} comes. */
    private synchronized void pause() {
        if (batchMillis <= 0 || closed) {
            return;
        }
        try {
            wait(batchMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // seen by the caller's thread; close() is the way to stop the loop
        }
    }

    /**
     * Hands every message to {@code handler} until {@link #close()}; returns then. Throws {@link NetlinkException} if
     * the socket itself fails, {@link IllegalStateException} if another thread is already reading or it is closed.
     */
    void receive(NetlinkSocket.MessageVisitor handler) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(what + " is closed; open a new one");
            }
            if (reader != null) {
                throw new IllegalStateException(what + " is already being read by thread " + reader.getName()
                        + "; read it from one thread");
            }
            reader = Thread.currentThread();
        }
        try {
            while (!isClosed()) {
                try {
                    if (!socket.receiveEvents(waker, handler)) {
                        return;
                    }
                    // What else is queued, one recv() per datagram and no poll(); close() is looked at now and then.
                    int drained = 0;
                    if (batched) {
                        for (int got; (got = socket.receivePendingBatch(handler)) > 0; ) {
                            drained += got;
                            if (drained >= CLOSED_CHECK_EVERY) {
                                drained = 0;
                                if (isClosed()) {
                                    return;
                                }
                            }
                        }
                    } else {
                        while (socket.receivePendingEvents(handler)) {
                            if (++drained % CLOSED_CHECK_EVERY == 0 && isClosed()) {
                                return;
                            }
                        }
                    }
                    pause();
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOBUFS) {
                        throw new NetlinkException(e.errno(), "receive", what, e.kernelMessage());
                    }
                    overrun();
                }
            }
        } finally {
            synchronized (this) {
                reader = null;
                notifyAll();
                if (closed) {
                    release();
                }
            }
        }
    }

    private void overrun() {
        long n = overruns.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1, 2, 4, 8, ...: a flood is visible in the log without flooding it
            ReceiveBuffer rcvbuf = socket.receiveBuffer();
            LOG.warnf("event=netlink_overrun socket=\"%s\" overruns=%d rcvbuf=%d effect=\"messages were dropped by the "
                    + "kernel\"%s", what, n, rcvbuf.effective(),
                    rcvbuf.refused() ? " remedy=\"raise net.core.rmem_max or run with CAP_NET_ADMIN\"" : "");
        }
    }

    /** How many times the kernel dropped messages because the receive buffer was full (each ENOBUFS once). */
    long overruns() {
        return overruns.get();
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Wakes a blocked {@link #receive} and waits for it to return (unless called from inside it), which includes
     * waiting for a handler call in progress to finish; idempotent.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll(); // a reader resting in pause()
            if (reader == null) {
                release();
                return;
            }
            waker.wake();
            if (reader == Thread.currentThread()) {
                return; // called from the handler: receive() returns next and releases the fds on its way out
            }
            while (reader != null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        if (!released) {
            released = true;
            socket.close();
            waker.close();
        }
    }
}
