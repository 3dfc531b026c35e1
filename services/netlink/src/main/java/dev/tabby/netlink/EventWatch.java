package dev.tabby.netlink;

import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.ReceiveBuffer;
import dev.tabby.netlink.raw.Nl;
import dev.tabby.netlink.raw.Waker;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers the events of some rtnetlink groups from a socket of its own on one daemon thread. The thread blocks in
 * poll() on the socket and a {@link Waker}; {@link #close()} signals the waker, and the thread closes both fds itself
 * on the way out, so no fd is ever closed under a blocked reader.
 *
 * <p>When the kernel drops events because the socket's queue is full it says so once, with ENOBUFS, on the next
 * read; the socket stays good. What is still queued then is older than the resync the listener is about to do, so
 * it is read away, and {@link NetlinkListener#onEventsLost()} is called. Felix v3.18 reacts to a failed netlink
 * subscription the same way in outcome: it subscribes again and resyncs (ifacemonitor/iface_monitor.go,
 * MonitorInterfaces); keeping the socket avoids a window with no subscription at all.
 */
final class EventWatch implements LinkSubscription {
    private static final Logger LOG = Logger.getLogger(EventWatch.class);
    /** Room for a burst of events (a CNI ADD storm) while the listener is busy. */
    static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    private final NetlinkSocket socket;
    private final Waker waker;
    private final Set<EventGroup> groups;
    private final NetlinkListener listener;
    private final String label;
    private final Consumer<EventWatch> onClose;
    private final Thread thread;
    private volatile boolean stopping;

    EventWatch(NetlinkSocket socket, Waker waker, Set<EventGroup> groups, NetlinkListener listener, String label,
            Consumer<EventWatch> onClose) {
        this.socket = socket;
        this.waker = waker;
        this.groups = groups;
        this.listener = listener;
        this.label = label;
        this.onClose = onClose;
        this.thread = new Thread(this::run, "tabby-netlink-events-" + label);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            boolean more = true;
            while (more && !stopping) {
                try {
                    more = socket.receiveEvents(waker, this::dispatch);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOBUFS) {
                        LOG.errorf("event=netlink_events_stopped namespace=%s groups=%s error=\"%s\"", label, groups, e.getMessage());
                        return;
                    }
                    eventsLost();
                }
            }
        } finally {
            socket.close();
            waker.close();
        }
    }

    private void eventsLost() {
        int discarded = socket.discardQueuedEvents();
        ReceiveBuffer rcvbuf = socket.receiveBuffer();
        LOG.warnf("event=netlink_events_lost namespace=%s groups=%s rcvbuf=%d discarded=%d action=resync%s", label,
                groups, rcvbuf.effective(), discarded, rcvbuf.refused()
                        ? " remedy=\"raise net.core.rmem_max or run with CAP_NET_ADMIN\"" : "");
        if (stopping) {
            return;
        }
        try {
            listener.onEventsLost();
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=netlink_listener_failed namespace=%s on=events_lost", label);
        }
    }

    private Object dispatch(int type, ByteBuffer payload) {
        if (stopping) {
            return null;
        }
        try {
            switch (type) {
                case Nl.RTM_NEWLINK, Nl.RTM_DELLINK -> {
                    Link link = LinkCodec.decode(payload);
                    listener.onLink(new LinkEvent(type == Nl.RTM_NEWLINK ? LinkEvent.Type.NEW : LinkEvent.Type.DEL, link));
                }
                case Nl.RTM_NEWADDR, Nl.RTM_DELADDR -> {
                    Addr addr = AddrCodec.decode(payload);
                    if (addr != null) {
                        listener.onAddress(new AddrEvent(type == Nl.RTM_NEWADDR ? AddrEvent.Type.NEW : AddrEvent.Type.DEL, addr));
                    }
                }
                default -> {
                    // another group's message on a shared socket: not asked for
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=netlink_listener_failed namespace=%s message_type=%d", label, type);
        }
        return null;
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
