package dev.tabby.netlink.nflog;

import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.MessageBuilder;
import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.NetnsThread;
import dev.tabby.netlink.raw.Nl;
import dev.tabby.netlink.raw.Sys;
import dev.tabby.netlink.raw.Waker;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Conntrack entries as they end, from ctnetlink's NFNLGRP_CONNTRACK_DESTROY multicast group, in the network namespace
 * the socket was opened in: the flow's tuple and its packet and byte counts in both directions. One thread calls
 * {@link #receive} and stays in it; {@link #close()} from any thread makes it return.
 *
 * <p>Three things in the namespace decide what arrives, and the caller (policy-renderer) sets them up:
 * <ul>
 * <li>conntrack must be in use there: since Linux 4.10 a namespace tracks connections only once a rule needs it (a
 * conntrack/state match, NAT), as the renderer's filter rules (Felix's ctstate rules) do;</li>
 * <li>counts need net.netfilter.nf_conntrack_acct=1 ({@link #enableAccounting}), set before the connections begin:
 * an entry gets its counters when it is created;</li>
 * <li>events need net.netfilter.nf_conntrack_events=1 ({@link #enableEvents}): at its default, 2, only connections
 * begun while a listener was subscribed have them.</li>
 * </ul>
 * A closed TCP connection ends only after its TIME_WAIT (net.netfilter.nf_conntrack_tcp_timeout_time_wait, 120 s),
 * and its DESTROY event comes when the kernel's conntrack garbage collector reaps the expired entry, which with a
 * nearly empty table can be up to about a minute later; long-lived and recent flows are read with {@link #dump()}.
 */
public final class ConntrackEvents implements AutoCloseable {
    /** Room for a burst of connection ends (10,000 short connections per second) while the reader is busy. */
    public static final int DEFAULT_RECEIVE_BUFFER = 8 * 1024 * 1024;
    /**
     * ctnetlink sends each event in a datagram of its own, so the reader rests this long after draining the socket and
     * reads what came meanwhile in one go (a few hundred events at 10,000 a second, well within the receive buffer)
     * rather than waking per event; an end is seen at most this much later, which flow logs' 15 s intervals do not feel.
     */
    static final long BATCH_MILLIS = 50;
    private static final String ACCT_SYSCTL = "net/netfilter/nf_conntrack_acct";
    private static final String EVENTS_SYSCTL = "net/netfilter/nf_conntrack_events";

    private final EventReader reader;

    private ConntrackEvents(EventReader reader) {
        this.reader = reader;
    }

    /** Subscribes to conntrack DESTROY events in the calling thread's network namespace. */
    public static ConntrackEvents open() {
        return open(DEFAULT_RECEIVE_BUFFER);
    }

    /** {@link #open()} with SO_RCVBUF of {@code receiveBuffer} bytes (0 for the kernel default). */
    public static ConntrackEvents open(int receiveBuffer) {
        String what = "conntrack destroy events";
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Sys.NETLINK_NETFILTER, 1 << (Nfnl.NFNLGRP_CONNTRACK_DESTROY - 1), receiveBuffer);
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "open", what, e.kernelMessage());
        }
        try {
            return new ConntrackEvents(new EventReader(socket, Waker.open(), what, BATCH_MILLIS, true));
        } catch (ErrnoException e) {
            socket.close();
            throw new NetlinkException(e.errno(), "open", what, e.kernelMessage());
        }
    }

    /** {@link #open(int)} in the network namespace at {@code ns} ({@code /run/netns/NAME}). */
    public static ConntrackEvents at(Path ns, int receiveBuffer) {
        return inNamespace(ns, () -> open(receiveBuffer));
    }

    /**
     * Sets net.netfilter.nf_conntrack_acct=1 in {@code netlink}'s namespace (a per-namespace sysctl), so connections
     * that begin afterwards carry packet and byte counts. policy-renderer calls this when flow logs are switched on.
     */
    public static void enableAccounting(Netlink netlink) {
        netlink.sysctlSet(ACCT_SYSCTL, "1");
    }

    /**
     * Sets net.netfilter.nf_conntrack_events=1 in {@code netlink}'s namespace. Its default, 2, gives events only to
     * connections that began while some listener was subscribed, so a renderer (re)started under live traffic would
     * never hear of the connections already open; 1 gives every connection its events.
     */
    public static void enableEvents(Netlink netlink) {
        netlink.sysctlSet(EVENTS_SYSCTL, "1");
    }

    /** Whether net.netfilter.nf_conntrack_acct is on in {@code netlink}'s namespace. */
    public static boolean accountingEnabled(Netlink netlink) {
        return !"0".equals(netlink.sysctlGet(ACCT_SYSCTL));
    }

    /**
     * Delivers each ended connection to {@code consumer} on the calling thread until {@link #close()}, then returns.
     * A consumer that throws stops the loop with its exception.
     *
     * @throws NetlinkException      when the socket itself fails
     * @throws IllegalStateException when closed, or already being received on another thread
     */
    public void receive(Consumer<ConntrackEnd> consumer) {
        receive((id, protocol, srcPort, dstPort) -> true, consumer);
    }

    /** Which ends to decode, asked before decoding with what the message says cheaply. */
    @FunctionalInterface
    public interface EndFilter {
        /**
         * @param id       the entry's CTA_ID, {@link NflogPacket#NO_CT_ID} when absent
         * @param protocol the original tuple's protocol number, 0 when absent
         * @param srcPort  its source port, 0 when absent or for protocols without ports
         * @param dstPort  its destination port, likewise
         */
        boolean wants(long id, int protocol, int srcPort, int dstPort);
    }

    /**
     * {@link #receive(Consumer)} for the ends {@code wanted} accepts: the id and ports are read in place first and
     * only those ends are decoded, so a reader that follows a few connections among many skips the rest cheaply.
     */
    public void receive(EndFilter wanted, Consumer<ConntrackEnd> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        receiveInPlace(wanted, view -> consumer.accept(view.toEnd()));
    }

    /**
     * {@link #receive(EndFilter, Consumer)} reading each wanted end in place into one reused {@link ConntrackEndView},
     * valid only during the call to {@code consumer}: no object per event.
     */
    public void receiveInPlace(EndFilter wanted, Consumer<ConntrackEndView> consumer) {
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(consumer, "consumer");
        ConntrackEndView view = new ConntrackEndView();
        reader.receive((type, buf, offset, length) -> {
            if (type != Nfnl.IPCTNL_MSG_CT_DELETE) {
                return;
            }
            // One bulk copy for both walks (Wire): cheaper under C1 than their reads of the direct buffer.
            byte[] m = Wire.copy(buf, offset, offset + length, view.scratch);
            view.scratch = m;
            boolean little = Wire.little(buf);
            if (ConntrackCodec.wanted(m, length, little, wanted) && ConntrackCodec.read(m, length, little, view)) {
                consumer.accept(view);
            }
        });
    }

    /** Times the kernel dropped events because the receive buffer was full; a caller can {@link #dump()} to catch up. */
    public long overruns() {
        return reader.overruns();
    }

    /**
     * The conntrack entries of the calling thread's network namespace now, IPv4 and IPv6, with their counts so far
     * (IPCTNL_MSG_CT_GET with NLM_F_DUMP, family AF_UNSPEC for all). Opens a socket of its own for the dump.
     */
    public static List<ConntrackEnd> dump() {
        try (NetlinkSocket socket = NetlinkSocket.open(Sys.NETLINK_NETFILTER, 0, 0)) {
            MessageBuilder request = new MessageBuilder(Nfnl.IPCTNL_MSG_CT_GET, Nl.F_DUMP)
                    .u8(Nfnl.AF_UNSPEC).u8(Nfnl.NFNETLINK_V0).u16(0);
            return socket.dump(request, (type, payload) ->
                    type == Nfnl.IPCTNL_MSG_CT_NEW ? ConntrackCodec.decode(payload) : null);
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "dump", "conntrack table", e.kernelMessage());
        }
    }

    /** {@link #dump()} of the network namespace at {@code ns}. */
    public static List<ConntrackEnd> dump(Path ns) {
        return inNamespace(ns, ConntrackEvents::dump);
    }

    private static <T> T inNamespace(Path ns, NetnsThread.Task<T> task) {
        try (NetnsThread thread = NetnsThread.enter(ns)) {
            return thread.call(task);
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "at", "netns " + ns, e.errno() == Errno.EINVAL
                    ? "not a network namespace (expected /run/netns/NAME or /proc/PID/ns/net)" : null);
        }
    }

    /** Stops {@link #receive} (waiting for it to return, unless called from its consumer) and closes the socket. Idempotent. */
    @Override
    public void close() {
        reader.close();
    }
}
