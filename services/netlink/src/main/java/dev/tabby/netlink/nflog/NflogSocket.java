package dev.tabby.netlink.nflog;

import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.MessageBuilder;
import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.NetnsThread;
import dev.tabby.netlink.raw.Nl;
import dev.tabby.netlink.raw.Sys;
import dev.tabby.netlink.raw.Waker;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Receives the packets that iptables NFLOG rules log to some groups (nfnetlink_log over NETLINK_NETFILTER), in the
 * network namespace it was opened in. One thread calls {@link #receive} and stays in it; {@link #close()} from any
 * thread makes it return.
 *
 * <p>Each group is bound with NFULNL_CFG_CMD_BIND (only one socket per namespace may hold a group: EPERM otherwise),
 * then set to copy only the first {@link NflogSettings#copyRange()} bytes of each packet and to batch packets into
 * one datagram for up to {@link NflogSettings#flushMillis()}. The older PF_UNBIND/PF_BIND commands are not sent: they
 * choose the namespace's default logger for nf_log_packet calls without a logger type (the LOG target's fallback),
 * while the NFLOG target always asks for the ULOG-type logger, nfnetlink_log itself (net/netfilter/nf_log.c,
 * xt_NFLOG.c), so binding a family would only change other rules' logging.
 */
public final class NflogSocket implements AutoCloseable {
    private final EventReader reader;
    private final Set<Integer> groups;
    private final boolean conntrackIds;
    private final AtomicLong undecodable = new AtomicLong();

    private NflogSocket(EventReader reader, Set<Integer> groups, boolean conntrackIds) {
        this.reader = reader;
        this.groups = groups;
        this.conntrackIds = conntrackIds;
    }

    /** Binds {@code groups} with {@link NflogSettings#DEFAULT} in the calling thread's network namespace. */
    public static NflogSocket open(Collection<Integer> groups) {
        return open(groups, NflogSettings.DEFAULT);
    }

    /**
     * Binds {@code groups} (0..65535) in the calling thread's network namespace (for ordinary threads, the process's).
     * Throws {@link NetlinkException} when the kernel refuses, e.g. EBUSY when another socket holds a group.
     */
    public static NflogSocket open(Collection<Integer> groups, NflogSettings settings) {
        Set<Integer> bound = checkGroups(groups);
        Objects.requireNonNull(settings, "settings");
        String what = "nflog groups " + bound;
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Sys.NETLINK_NETFILTER, 0, settings.receiveBuffer());
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "open", what, e.kernelMessage());
        }
        try {
            boolean ids = true;
            for (int group : bound) {
                bind(socket, group, settings, what);
                ids &= askForConntrack(socket, group);
            }
            return new NflogSocket(new EventReader(socket, Waker.open(), what, 0, false), bound, ids);
        } catch (ErrnoException e) {
            socket.close();
            throw new NetlinkException(e.errno(), "open", what, e.kernelMessage());
        } catch (RuntimeException e) {
            socket.close(); // the kernel unbinds a closed socket's groups itself
            throw e;
        }
    }

    /** {@link #open(Collection, NflogSettings)} in the network namespace at {@code ns} ({@code /run/netns/NAME}). */
    public static NflogSocket at(Path ns, Collection<Integer> groups, NflogSettings settings) {
        try (NetnsThread thread = NetnsThread.enter(ns)) {
            // The socket belongs to the namespace it was made in; the thread may go once it exists.
            return thread.call(() -> open(groups, settings));
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "at", "netns " + ns, e.errno() == Errno.EINVAL
                    ? "not a network namespace (expected /run/netns/NAME or /proc/PID/ns/net)" : null);
        }
    }

    private static Set<Integer> checkGroups(Collection<Integer> groups) {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException("NFLOG needs at least one group to bind (the rules' --nflog-group)");
        }
        Set<Integer> out = new TreeSet<>();
        for (Integer g : groups) {
            if (g == null || g < 0 || g > 0xffff) {
                throw new IllegalArgumentException("NFLOG group " + g + " is out of range; groups are 0..65535");
            }
            out.add(g);
        }
        return Set.copyOf(out);
    }

    /**
     * Asks the kernel to attach each packet's conntrack entry (NFULA_CFG_FLAGS = NFULNL_CFG_F_CONNTRACK), so a packet
     * carries its entry's id and a reader tells a new connection on a reused five-tuple from a retransmitted first
     * packet. nfnetlink_log needs nf_conntrack_netlink for it: when that is not loaded it loads it and answers EAGAIN
     * (ask again), and EOPNOTSUPP when it cannot (net/netfilter/nfnetlink_log.c, nfulnl_recv_config). False then:
     * packets come without {@link NflogPacket#ctId()}.
     */
    private static boolean askForConntrack(NetlinkSocket socket, int group) throws ErrnoException {
        byte[] flags = {0, (byte) Nfnl.NFULNL_CFG_F_CONNTRACK};
        for (int attempt = 1; ; attempt++) {
            try {
                socket.execute(config(group).attr(Nfnl.NFULA_CFG_FLAGS, flags));
                return true;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EAGAIN && attempt < 3) {
                    continue;
                }
                if (e.errno() == Errno.EAGAIN || e.errno() == Errno.EOPNOTSUPP) {
                    return false;
                }
                throw e;
            }
        }
    }

    private static void bind(NetlinkSocket socket, int group, NflogSettings s, String what) throws ErrnoException {
        try {
            socket.execute(config(group).attr(Nfnl.NFULA_CFG_CMD, new byte[] {Nfnl.NFULNL_CFG_CMD_BIND}));
        } catch (ErrnoException e) {
            // nfnetlink_log answers EPERM when another socket's port holds the group, EBUSY when this socket holds it
            // already; nfnetlink itself answers EPERM without CAP_NET_ADMIN.
            if (e.errno() == Errno.EPERM || e.errno() == Errno.EBUSY) {
                throw new NetlinkException(e.errno(), "open", "nflog group " + group, "another socket in this network "
                        + "namespace already receives this group (another Tabby process, or ulogd), or this process lacks "
                        + "CAP_NET_ADMIN; stop the other reader or use another group");
            }
            throw e;
        }
        byte[] mode = ByteBuffer.allocate(6).putInt(s.copyRange()).put((byte) Nfnl.NFULNL_COPY_PACKET).put((byte) 0).array();
        socket.execute(config(group)
                .attr(Nfnl.NFULA_CFG_MODE, mode)
                .attr(Nfnl.NFULA_CFG_NLBUFSIZ, be32(s.batchBytes()))
                .attr(Nfnl.NFULA_CFG_TIMEOUT, be32(Math.max(1, s.flushMillis() / 10)))
                .attr(Nfnl.NFULA_CFG_QTHRESH, be32(s.queueThreshold())));
    }

    /** An NFULNL_MSG_CONFIG request for {@code group}: nfgenmsg with res_id = the group, in network order. */
    private static MessageBuilder config(int group) {
        return new MessageBuilder(Nfnl.NFULNL_MSG_CONFIG, Nl.F_ACK)
                .u8(Nfnl.AF_UNSPEC).u8(Nfnl.NFNETLINK_V0).u8(group >>> 8).u8(group & 0xff);
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    /** The groups this socket receives. */
    public Set<Integer> groups() {
        return groups;
    }

    /**
     * Delivers logged packets to {@code consumer} on the calling thread until {@link #close()}, then returns. A
     * consumer that throws stops the loop with its exception (the socket stays open; receive again or close it).
     * Packets whose IP header was not copied are counted in {@link #undecodable()} and skipped. Each packet is a new
     * record: {@link #receiveInPlace} is the reader that allocates nothing per packet.
     *
     * @throws NetlinkException      when the socket itself fails
     * @throws IllegalStateException when closed, or already being received on another thread
     */
    public void receive(Consumer<NflogPacket> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        receiveInPlace(view -> consumer.accept(view.toPacket()));
    }

    /**
     * {@link #receive(Consumer)} reading each packet in place into one reused {@link NflogView}, valid only during
     * the call to {@code consumer}: no object per packet, which is what keeps flow logs' reader cheap.
     */
    public void receiveInPlace(Consumer<NflogView> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        NflogView view = new NflogView();
        reader.receive((type, buf, offset, length) -> {
            if (type == Nfnl.NFULNL_MSG_PACKET) {
                if (read(buf, offset, offset + length, view)) {
                    consumer.accept(view);
                } else {
                    undecodable.incrementAndGet();
                }
            }
        });
    }

    /** One NFULNL_MSG_PACKET as a record; null if it has no IP header. */
    static NflogPacket decode(ByteBuffer payload) {
        NflogView v = new NflogView();
        return read(payload, v) ? v.toPacket() : null;
    }

    /**
     * Reads one NFULNL_MSG_PACKET (nfgenmsg with res_id = the group, then NFULA_* attributes) into {@code out} by
     * walking its attributes (in a copy held by {@code out}, see {@link Wire}); false if it has no IP header.
     */
    static boolean read(ByteBuffer m, NflogView out) {
        return read(m, 0, m.limit(), out);
    }

    /** {@link #read(ByteBuffer, NflogView)} of the message between {@code from} and {@code end} of {@code m}. */
    static boolean read(ByteBuffer m, int from, int end, NflogView out) {
        out.clear();
        if (end - from < Nfnl.NFGENMSG_LEN) {
            return false;
        }
        byte[] b = Wire.copy(m, from, end, out.scratch);
        out.scratch = b;
        return read(b, end - from, Wire.little(m), out);
    }

    /** The message copied to {@code m} (0 to {@code end}); attribute headers {@code little}-endian or not. */
    private static boolean read(byte[] m, int end, boolean little, NflogView out) {
        out.group = Wire.be16(m, 2);
        int payloadAt = -1;
        int payloadEnd = -1;
        int pos = Nfnl.NFGENMSG_LEN;
        while (pos + 4 <= end) {
            int len = Wire.u16(m, pos, little);
            if (len < 4 || pos + len > end) {
                break; // a malformed tail is ignored, as the kernel's own parser does
            }
            int at = pos + 4;
            int valueLen = len - 4;
            switch (Wire.u16(m, pos + 2, little) & 0x3fff) { // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
                case Nfnl.NFULA_PAYLOAD -> {
                    payloadAt = at;
                    payloadEnd = at + valueLen;
                }
                case Nfnl.NFULA_PREFIX -> {
                    int n = 0;
                    while (n < valueLen && n < NflogView.MAX_PREFIX && m[at + n] != 0) {
                        n++;
                    }
                    System.arraycopy(m, at, out.prefix, 0, n);
                    out.prefixLength = n;
                }
                case Nfnl.NFULA_IFINDEX_INDEV -> out.inIfindex = valueLen >= 4 ? Wire.be32(m, at) : 0;
                case Nfnl.NFULA_IFINDEX_OUTDEV -> out.outIfindex = valueLen >= 4 ? Wire.be32(m, at) : 0;
                case Nfnl.NFULA_CT -> out.ctId = ctId(m, at, at + valueLen, little);
                default -> {
                }
            }
            pos += (len + 3) & ~3;
        }
        return payloadAt >= 0 && IpHeaders.read(m, payloadAt, payloadEnd, out);
    }

    /** CTA_ID among the nested ctnetlink attributes of NFULA_CT, or {@link NflogPacket#NO_CT_ID}. */
    private static long ctId(byte[] m, int from, int to, boolean little) {
        int pos = from;
        while (pos + 4 <= to) {
            int len = Wire.u16(m, pos, little);
            if (len < 4 || pos + len > to) {
                break;
            }
            if ((Wire.u16(m, pos + 2, little) & 0x3fff) == Nfnl.CTA_ID && len >= 8) {
                return Integer.toUnsignedLong(Wire.be32(m, pos + 4));
            }
            pos += (len + 3) & ~3;
        }
        return NflogPacket.NO_CT_ID;
    }

    /**
     * Whether the kernel agreed to attach each packet's conntrack entry, so packets that have one carry
     * {@link NflogPacket#ctId()}; false on a kernel without nf_conntrack_netlink.
     */
    public boolean conntrackIds() {
        return conntrackIds;
    }

    /** Times the kernel dropped logged packets because this socket's receive buffer was full. */
    public long overruns() {
        return reader.overruns();
    }

    /** Logged packets skipped because too little of them was copied to read an IP header. */
    public long undecodable() {
        return undecodable.get();
    }

    /**
     * Stops {@link #receive} (waiting for it to return, unless called from its consumer) and closes the socket, which
     * unbinds its groups. Idempotent.
     */
    @Override
    public void close() {
        reader.close();
    }
}
