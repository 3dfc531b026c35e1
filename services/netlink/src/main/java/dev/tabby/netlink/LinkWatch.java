package dev.tabby.netlink;

import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.Nl;
import dev.tabby.netlink.raw.Waker;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers RTNLGRP_LINK events from a socket of its own on one daemon thread. The thread blocks in poll() on the
 * socket and a {@link Waker}; {@link #close()} signals the waker, and the thread closes both fds itself on the way
 * out, so no fd is ever closed under a blocked reader.
 */
final class LinkWatch implements LinkSubscription {
    private static final Logger LOG = Logger.getLogger(LinkWatch.class);
    /** Room for a burst of events (a CNI ADD storm) while the listener is busy. */
    static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    private final NetlinkSocket socket;
    private final Waker waker;
    private final Consumer<LinkEvent> listener;
    private final Consumer<LinkWatch> onClose;
    private final Thread thread;
    private volatile boolean stopping;

    LinkWatch(NetlinkSocket socket, Waker waker, Consumer<LinkEvent> listener, String label, Consumer<LinkWatch> onClose) {
        this.socket = socket;
        this.waker = waker;
        this.listener = listener;
        this.onClose = onClose;
        this.thread = new Thread(this::run, "tabby-netlink-links-" + label);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            boolean more = true;
            while (more && !stopping) {
                try {
                    more = socket.receiveEvents(waker, (type, payload) -> {
                        if (type == Nl.RTM_NEWLINK || type == Nl.RTM_DELLINK) {
                            deliver(new LinkEvent(type == Nl.RTM_NEWLINK ? LinkEvent.Type.NEW : LinkEvent.Type.DEL,
                                    LinkCodec.decode(payload)));
                        }
                        return null;
                    });
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOBUFS) {
                        LOG.errorf("link events stopped: %s", e.getMessage());
                        return;
                    }
                    // The kernel dropped events because our queue was full; the socket itself is still good.
                    LOG.warn("link events were lost (receive queue overflowed); listeners should resync with linkList()");
                }
            }
        } finally {
            socket.close();
            waker.close();
        }
    }

    private void deliver(LinkEvent event) {
        if (stopping) {
            return;
        }
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "link event listener failed on %s %s", event.type(), event.link().name());
        }
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (Thread.currentThread() != thread) {
            if (thread.isAlive()) {
                waker.wake();
            }
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        onClose.accept(this);
    }
}
