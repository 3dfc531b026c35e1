package dev.tabby.netlink.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.byref.IntByReference;
import org.jboss.logging.Logger;

/**
 * One netlink socket (NETLINK_ROUTE unless opened for another protocol): requests matched to replies by sequence
 * number and port id, multi-part dumps, ACKs with the kernel's extended-ACK text. It belongs to the network namespace
 * of the thread that opened it, whichever thread uses it later. Not thread-safe.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NetlinkSocket.class);
    /** The kernel caps one dump datagram near 32 KiB; twice that leaves room for any single reply. */
    private static final int RECV_BUFFER = 64 * 1024;
    /** A dump that races with changes is flagged NLM_F_DUMP_INTR; it is redone this many times before giving up. */
    private static final int DUMP_ATTEMPTS = 10;
    /** Requests must not hang forever if the kernel never answers; it always does, so this is generous. */
    private static final int REPLY_TIMEOUT_SECONDS = 30;
    /**
     * Requests per batch datagram. The kernel handles a whole datagram before sendto() returns and queues one ACK per
     * request, so this many ACKs must fit the receive buffer at once or some are dropped (ENOBUFS).
     */
    private static final int BATCH_IN_FLIGHT = 256;
    /** Bytes per batch datagram: far below the default socket send buffer (net.core.wmem_default, 208 KiB). */
    private static final int BATCH_DATAGRAM = 64 * 1024;
    /**
     * SO_RCVBUF asked for before the first batch: 256 ACKs cost the kernel about 1 KiB each, more with extended-ACK
     * text. The kernel caps it at net.core.rmem_max (and doubles it), so a small cap still leaves the default's room.
     */
    private static final int BATCH_RECEIVE_BUFFER = 1024 * 1024;
    /**
     * Draining an abandoned reply stops when nothing more arrives for this long. The kernel makes the next part of a
     * dump as the previous one is read, so a dump still running always has a part queued.
     */
    private static final int DRAIN_IDLE_MILLIS = 200;
    /** ... and in any case after this long, so a failure is never turned into a hang. */
    private static final long DRAIN_MAX_MILLIS = 5_000;

    /**
     * Sees one event message in place: its type and its payload (after nlmsghdr) at {@code offset} to
     * {@code offset + length} of {@code buf}, native order. Valid only during the call; nothing is allocated for it,
     * which is what a reader of thousands of messages a second wants.
     */
    @FunctionalInterface
    public interface MessageVisitor {
        void message(int type, ByteBuffer buf, int offset, int length);
    }

    /** Turns one reply message's payload (after nlmsghdr) into a value, or null to skip it. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(int type, ByteBuffer payload);
    }

    private final LibC libc = Sys.libc();
    private final int fd;
    private final int portId;
    private final ByteBuffer recvBuf = ByteBuffer.allocateDirect(RECV_BUFFER).order(ByteOrder.nativeOrder());
    private final ByteBuffer sendBuf = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    private final ByteBuffer kernelAddr = sockaddr(0, 0);
    private final ByteBuffer pollFds = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private ReceiveBuffer receiveBuffer;
    private boolean refusalReported;
    /** Set when the reply being read has ended (NLMSG_DONE or NLMSG_ERROR seen); nothing of it is left to drain. */
    private boolean replyEnded;
    private ByteBuffer batchBuf;
    private int seq;
    private boolean closed;

    private NetlinkSocket(int fd, int portId, ReceiveBuffer receiveBuffer) {
        this.fd = fd;
        this.portId = portId;
        this.receiveBuffer = receiveBuffer;
        this.seq = 1;
    }

    /**
     * Opens a socket in the calling thread's network namespace.
     *
     * @param groups        multicast group bits to join (0 for a request socket)
     * @param receiveBuffer SO_RCVBUF in bytes, 0 for the kernel default; listeners want more so bursts of events fit.
     *                      Tried with SO_RCVBUFFORCE first, as the kernel's cap (net.core.rmem_max) is often below
     *                      what a listener needs; see {@link #receiveBuffer()} for what was granted
     */
    public static NetlinkSocket open(int groups, int receiveBuffer) throws ErrnoException {
        return open(Sys.NETLINK_ROUTE, groups, receiveBuffer);
    }

    /** {@link #open(int, int)} for another netlink protocol, e.g. {@link Sys#NETLINK_NETFILTER}. */
    public static NetlinkSocket open(int protocol, int groups, int receiveBuffer) throws ErrnoException {
        LibC libc = Sys.libc();
        int fd = libc.socket(Sys.AF_NETLINK, Sys.SOCK_RAW | Sys.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw new ErrnoException(Sys.errno(), "socket(AF_NETLINK, protocol " + protocol + ")");
        }
        try {
            // Best effort: older kernels lack these and still work, only with terser errors.
            setIntOption(libc, fd, Nl.SOL_NETLINK, Nl.NETLINK_EXT_ACK, 1);
            setIntOption(libc, fd, Nl.SOL_NETLINK, Nl.NETLINK_CAP_ACK, 1);
            // Sized before bind, so the first multicast events already have the room.
            ReceiveBuffer granted = receiveBuffer > 0 ? sizeReceiveBuffer(libc, fd, receiveBuffer)
                    : new ReceiveBuffer(0, getIntOption(libc, fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF), false);
            setReceiveTimeout(libc, fd, REPLY_TIMEOUT_SECONDS);
            ByteBuffer local = sockaddr(0, groups);
            if (libc.bind(fd, local, local.capacity()) < 0) {
                throw new ErrnoException(Sys.errno(), "bind(AF_NETLINK)");
            }
            ByteBuffer bound = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
            IntByReference len = new IntByReference(12);
            if (libc.getsockname(fd, bound, len) < 0) {
                throw new ErrnoException(Sys.errno(), "getsockname(AF_NETLINK)");
            }
            NetlinkSocket socket = new NetlinkSocket(fd, bound.getInt(4), granted);
            socket.reportIfRefused();
            return socket;
        } catch (Throwable e) {
            libc.close(fd);
            throw e;
        }
    }

    /** What the receive buffer came to, as last sized (at open, or grown for a batch's ACKs). */
    public ReceiveBuffer receiveBuffer() {
        return receiveBuffer;
    }

    /**
     * SO_RCVBUFFORCE (CAP_NET_ADMIN; past net.core.rmem_max), else SO_RCVBUF (capped there), then reads back what the
     * kernel made of it. Felix v3.18 leaves its netlink sockets at the kernel default (no RCVBUF in its tree); Tabby
     * sizes them because a lost event costs a resync and a lost batch ACK an unknown outcome.
     */
    private static ReceiveBuffer sizeReceiveBuffer(LibC libc, int fd, int asked) throws ErrnoException {
        boolean forced = setIntOption(libc, fd, Sys.SOL_SOCKET, Sys.SO_RCVBUFFORCE, asked) == 0; // EPERM without the cap
        if (!forced) {
            setIntOption(libc, fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF, asked);
        }
        return new ReceiveBuffer(asked, getIntOption(libc, fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF), forced);
    }

    /** One warning per socket when the kernel granted less than asked: the operator can fix that, so say how. */
    private void reportIfRefused() {
        if (receiveBuffer.refused() && !refusalReported) {
            refusalReported = true;
            LOG.warnf("event=netlink_rcvbuf_refused asked=%d got=%d remedy=\"raise net.core.rmem_max or run with CAP_NET_ADMIN\"",
                    receiveBuffer.asked(), receiveBuffer.effective());
        }
    }

    public int portId() {
        return portId;
    }

    /** Sends a change (NEW/DEL/SET) and waits for the kernel's ACK; throws the kernel's errno on refusal. */
    public void execute(MessageBuilder request) throws ErrnoException {
        request(request, (type, payload) -> null);
    }

    /**
     * Sends changes (each built with NLM_F_ACK) pipelined: packed back to back into as few datagrams as
     * {@link #BATCH_IN_FLIGHT} and {@link #BATCH_DATAGRAM} allow, each with its own sequence number, and returns in
     * request order what the kernel answered each: null for its ACK, else its refusal as {@link #execute} would have
     * thrown it. The kernel goes on past a refused request, so one refusal never stops the others.
     *
     * <p>A failure of the socket itself (a send refused, no answer in time) is reported as the refusal of every request
     * it left unanswered, as is ENOBUFS when the receive buffer overflowed and ACKs were lost: whether those requests
     * took effect is then unknown, so a caller that retries them must retry idempotently.
     */
    public List<ErrnoException> executeAll(List<MessageBuilder> requests) {
        ErrnoException[] outcomes = new ErrnoException[requests.size()];
        if (!requests.isEmpty() && batchBuf == null) {
            batchBuf = ByteBuffer.allocateDirect(BATCH_DATAGRAM).order(ByteOrder.nativeOrder());
            if (receiveBuffer.asked() < BATCH_RECEIVE_BUFFER) {
                try {
                    receiveBuffer = sizeReceiveBuffer(libc, fd, BATCH_RECEIVE_BUFFER);
                    reportIfRefused();
                } catch (ErrnoException e) {
                    // getsockopt failed on a socket that works: the batch goes ahead with whatever the buffer is
                    LOG.warnf("event=netlink_rcvbuf_unknown error=\"%s\"", e.getMessage());
                }
            }
        }
        int next = 0;
        while (next < requests.size()) {
            next = sendBatchDatagram(requests, next, outcomes);
        }
        return Arrays.asList(outcomes);
    }

    /**
     * Sends the requests from {@code first} that fit one datagram and reads their ACKs into {@code outcomes}.
     *
     * @return the index of the first request not sent; all of them once the socket itself has failed
     */
    private int sendBatchDatagram(List<MessageBuilder> requests, int first, ErrnoException[] outcomes) {
        if (seq > Integer.MAX_VALUE - BATCH_IN_FLIGHT) {
            seq = 0; // so this datagram's sequence numbers run consecutively and map straight back to requests
        }
        int firstSeq = seq + 1;
        ByteBuffer out = batchBuf;
        int len = 0;
        int count = 0;
        while (first + count < requests.size() && count < BATCH_IN_FLIGHT) {
            ByteBuffer msg = requests.get(first + count).finish(firstSeq + count, portId);
            int msgLen = msg.remaining();
            int aligned = Nl.align(msgLen);
            if (len + aligned > out.capacity()) {
                if (count > 0) {
                    break;
                }
                out = ByteBuffer.allocateDirect(aligned).order(ByteOrder.nativeOrder()); // one oversized request alone
            }
            out.put(len, msg, msg.position(), msgLen);
            for (int pad = len + msgLen; pad < len + aligned; pad++) {
                out.put(pad, (byte) 0);
            }
            len += aligned;
            count++;
        }
        seq = firstSeq + count - 1;
        boolean[] answered = new boolean[count];
        try {
            sendRaw(out, len);
            receiveAcks(firstSeq, answered, first, outcomes);
        } catch (ErrnoException e) {
            // The socket failed, not one request: what it left unanswered fails with it, and so does the rest,
            // which would fare no better.
            for (int i = 0; i < count; i++) {
                if (!answered[i]) {
                    outcomes[first + i] = e;
                }
            }
            Arrays.fill(outcomes, first + count, outcomes.length, e);
            return outcomes.length;
        }
        return first + count;
    }

    /**
     * Reads the ACKs of the requests numbered from {@code firstSeq}, one per element of {@code answered}, into
     * {@code outcomes} from {@code at}, marking each answered one.
     */
    private void receiveAcks(int firstSeq, boolean[] answered, int at, ErrnoException[] outcomes) throws ErrnoException {
        int count = answered.length;
        int left = count;
        boolean overflowed = false;
        while (left > 0) {
            int n;
            try {
                n = receive(overflowed ? Sys.MSG_DONTWAIT : 0);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOBUFS) {
                    throw e;
                }
                // ACKs were dropped. The kernel queued every ACK it was going to before sendto() returned, so
                // what is queued now is all that will come: read it without waiting, then give up on the rest.
                overflowed = true;
                continue;
            }
            if (n < 0) {
                if (!overflowed) {
                    throw new ErrnoException(Errno.ETIMEDOUT, "no reply from the kernel within " + REPLY_TIMEOUT_SECONDS + " s");
                }
                ErrnoException lost = new ErrnoException(Errno.ENOBUFS, "the acknowledgement was lost to a full "
                        + "netlink receive buffer, so whether the change took effect is unknown");
                for (int i = 0; i < count; i++) {
                    if (!answered[i]) {
                        outcomes[at + i] = lost;
                    }
                }
                return;
            }
            int pos = 0;
            while (pos + Nl.HEADER_LEN <= n) {
                int msgLen = recvBuf.getInt(pos);
                int type = recvBuf.getShort(pos + 4) & 0xffff;
                int flags = recvBuf.getShort(pos + 6) & 0xffff;
                int i = recvBuf.getInt(pos + 8) - firstSeq;
                int mport = recvBuf.getInt(pos + 12);
                if (msgLen < Nl.HEADER_LEN || pos + msgLen > n) {
                    throw new ErrnoException(Errno.EBADMSG, "malformed netlink message of length " + msgLen);
                }
                int msgAt = pos;
                pos += Nl.align(msgLen);
                if (type != Nl.NLMSG_ERROR || mport != portId || i < 0 || i >= count || answered[i]) {
                    continue; // the tail of an earlier request that was abandoned on an exception
                }
                answered[i] = true;
                left--;
                outcomes[at + i] = errorOf(Attrs.slice(recvBuf, msgAt + Nl.HEADER_LEN, msgLen - Nl.HEADER_LEN), flags, false);
            }
        }
    }

    /**
     * Sends a non-dump request with NLM_F_ACK and returns what the kernel answered before the ACK (e.g. the one
     * link of a GETLINK by name).
     */
    public <T> List<T> request(MessageBuilder request, Decoder<T> decoder) throws ErrnoException {
        List<T> out = new ArrayList<>();
        int s = send(request);
        receiveReply(s, decoder, out, false);
        return out;
    }

    /** Sends a NLM_F_DUMP request and collects the whole multi-part answer, redoing it if the kernel flags it interrupted. */
    public <T> List<T> dump(MessageBuilder request, Decoder<T> decoder) throws ErrnoException {
        for (int attempt = 1; ; attempt++) {
            List<T> out = new ArrayList<>();
            int s = send(request);
            boolean interrupted;
            try {
                interrupted = receiveReply(s, decoder, out, true);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINTR || !replyEnded) {
                    throw e;
                }
                interrupted = true; // some dumps end an inconsistent walk with EINTR rather than the flag
            }
            if (!interrupted) {
                return out;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new ErrnoException(Errno.EINTR,
                        "dump interrupted by concurrent changes " + DUMP_ATTEMPTS + " times in a row");
            }
        }
    }

    /**
     * {@link #receiveUntilEnd}, and when it fails (a decoder's exception, ENOBUFS, EMSGSIZE, a timeout, ...) before
     * the kernel has ended the reply, reads the rest of it away: else the kernel keeps a dump open and answers the
     * next one on this socket with EBUSY. One NLMSG_ERROR does not end a dump: ENOBUFS, when the kernel could not
     * queue the first part, leaves the dump registered, to go on once the queue has room.
     */
    private <T> boolean receiveReply(int s, Decoder<T> decoder, List<T> out, boolean dump) throws ErrnoException {
        replyEnded = false;
        try {
            return receiveUntilEnd(s, decoder, out);
        } catch (Throwable e) {
            if ((!replyEnded || (dump && e instanceof ErrnoException errno && errno.errno() == Errno.ENOBUFS))
                    && !drain(s) && dump) {
                LOG.warnf("event=netlink_dump_not_drained seq=%d error=\"%s\" effect=\"the next dump on this socket may "
                        + "fail with EBUSY\"", s, e.getMessage());
            }
            throw e;
        }
    }

    /**
     * Reads and discards what is left of the reply to {@code s}, up to its NLMSG_DONE or NLMSG_ERROR, waiting at most
     * {@link #DRAIN_IDLE_MILLIS} for each part and {@link #DRAIN_MAX_MILLIS} in all. Errors of the socket itself
     * (another ENOBUFS, a datagram too long for the buffer) are part of what is being drained: reading goes on.
     *
     * @return whether the reply's end was read
     */
    private boolean drain(int s) {
        long deadline = System.nanoTime() + DRAIN_MAX_MILLIS * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            try {
                if (!awaitReadable((int) Math.min(left, DRAIN_IDLE_MILLIS))) {
                    return false;
                }
                int n = receive(Sys.MSG_DONTWAIT);
                if (n > 0 && endsReply(n, s)) {
                    return true;
                }
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOBUFS && e.errno() != Errno.EMSGSIZE) {
                    return false; // the socket itself is broken; the next request will say so
                }
            }
        }
    }

    /** Whether the datagram of {@code n} bytes in the receive buffer holds the end of the reply to {@code s}. */
    private boolean endsReply(int n, int s) {
        int pos = 0;
        while (pos + Nl.HEADER_LEN <= n) {
            int len = recvBuf.getInt(pos);
            int type = recvBuf.getShort(pos + 4) & 0xffff;
            if (len < Nl.HEADER_LEN || pos + len > n) {
                return false;
            }
            if (recvBuf.getInt(pos + 8) == s && recvBuf.getInt(pos + 12) == portId
                    && (type == Nl.NLMSG_DONE || type == Nl.NLMSG_ERROR)) {
                return true;
            }
            pos += Nl.align(len);
        }
        return false;
    }

    /**
     * Waits for a datagram of unsolicited messages (multicast events) and hands each message to {@code handler}.
     *
     * @return false once {@code waker} has been signalled; the caller should stop
     */
    public boolean receiveEvents(Waker waker, Decoder<?> handler) throws ErrnoException {
        return receiveEvents(waker, sliced(handler));
    }

    /** {@link #receiveEvents(Waker, Decoder)} handing each message over in place. */
    public boolean receiveEvents(Waker waker, MessageVisitor handler) throws ErrnoException {
        while (true) {
            if (!awaitReadable(waker)) {
                return false;
            }
            int n = receive(Sys.MSG_DONTWAIT);
            if (n >= 0) {
                dispatchEvents(n, handler);
                return true;
            }
        }
    }

    /**
     * Hands the messages of one datagram already queued on the socket to {@code handler}, without waiting: a reader
     * woken by {@link #receiveEvents} drains what else arrived with these calls, one recv() each instead of a poll()
     * and a recv(), as ctnetlink sends each event in a datagram of its own.
     *
     * @return false when nothing was queued
     */
    public boolean receivePendingEvents(Decoder<?> handler) throws ErrnoException {
        return receivePendingEvents(sliced(handler));
    }

    /** {@link #receivePendingEvents(Decoder)} handing each message over in place. */
    public boolean receivePendingEvents(MessageVisitor handler) throws ErrnoException {
        int n = receive(Sys.MSG_DONTWAIT);
        if (n < 0) {
            return false;
        }
        dispatchEvents(n, handler);
        return true;
    }

    /** A decoder as a visitor: each message's payload as a slice of its own (one object per message). */
    private static MessageVisitor sliced(Decoder<?> handler) {
        return (type, buf, offset, length) -> handler.decode(type, Attrs.slice(buf, offset, length));
    }

    private void dispatchEvents(int n, MessageVisitor handler) {
        dispatchEvents(recvBuf, 0, n, handler);
    }

    /** The messages of the datagram of {@code n} bytes at {@code from} in {@code buf}. */
    private static void dispatchEvents(ByteBuffer buf, int from, int n, MessageVisitor handler) {
        int pos = from;
        int end = from + n;
        while (pos + Nl.HEADER_LEN <= end) {
            int len = buf.getInt(pos);
            int type = buf.getShort(pos + 4) & 0xffff;
            if (len < Nl.HEADER_LEN || pos + len > end) {
                break;
            }
            if (type > Nl.NLMSG_OVERRUN) {
                handler.message(type, buf, pos + Nl.HEADER_LEN, len - Nl.HEADER_LEN);
            }
            pos += Nl.align(len);
        }
    }

    /** Datagrams one {@link #receivePendingBatch} reads at most. */
    private static final int BATCH_DATAGRAMS = 32;
    /** Room for each of them: far above one ctnetlink event (a few hundred bytes). */
    private static final int BATCH_SLOT = 8 * 1024;
    /** sizeof(struct mmsghdr) on 64-bit Linux: struct msghdr (56 bytes) and unsigned msg_len, padded. */
    private static final int MMSGHDR = 64;
    private static final int MSGHDR_IOV = 16;
    private static final int MSGHDR_IOVLEN = 24;
    private static final int MSGHDR_FLAGS = 48;
    private static final int MMSGHDR_LEN = 56;
    private ByteBuffer batchSlots;
    private ByteBuffer batchIovecs;
    private ByteBuffer batchHeaders;

    /**
     * {@link #receivePendingEvents} for up to {@value #BATCH_DATAGRAMS} datagrams in one recvmmsg(2): for a sender
     * that puts each message in a datagram of its own (ctnetlink's events), one system call per batch instead of one
     * per message. Each datagram must fit {@value #BATCH_SLOT} bytes (EMSGSIZE otherwise).
     *
     * @return how many datagrams were read; 0 when nothing was queued
     */
    public int receivePendingBatch(MessageVisitor handler) throws ErrnoException {
        if (batchSlots == null) {
            prepareBatch();
        }
        int n;
        while (true) {
            n = libc.recvmmsg(fd, batchHeaders, BATCH_DATAGRAMS, Sys.MSG_DONTWAIT, null);
            if (n >= 0) {
                break;
            }
            int errno = Sys.errno();
            if (errno == Errno.EAGAIN) {
                return 0;
            }
            if (errno != Errno.EINTR) {
                throw new ErrnoException(errno, "recvmmsg(netlink)");
            }
        }
        for (int i = 0; i < n; i++) {
            int len = batchHeaders.getInt(i * MMSGHDR + MMSGHDR_LEN);
            if ((batchHeaders.getInt(i * MMSGHDR + MSGHDR_FLAGS) & Sys.MSG_TRUNC) != 0) {
                throw new ErrnoException(Errno.EMSGSIZE, "netlink datagram exceeds the " + BATCH_SLOT
                        + "-byte slot of a batched receive");
            }
            dispatchEvents(batchSlots, i * BATCH_SLOT, len, handler);
        }
        return n;
    }

    /** The slots and the mmsghdr array pointing at them (one iovec each), made on a batched reader's first use. */
    private void prepareBatch() {
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
        ByteBuffer slots = ByteBuffer.allocateDirect(BATCH_DATAGRAMS * BATCH_SLOT).order(ByteOrder.nativeOrder());
        ByteBuffer iovecs = ByteBuffer.allocateDirect(BATCH_DATAGRAMS * 16).order(ByteOrder.nativeOrder());
        ByteBuffer headers = ByteBuffer.allocateDirect(BATCH_DATAGRAMS * MMSGHDR).order(ByteOrder.nativeOrder());
        long slotsAt = jnr.ffi.Pointer.wrap(runtime, slots).address();
        long iovecsAt = jnr.ffi.Pointer.wrap(runtime, iovecs).address();
        for (int i = 0; i < BATCH_DATAGRAMS; i++) {
            iovecs.putLong(i * 16, slotsAt + (long) i * BATCH_SLOT).putLong(i * 16 + 8, BATCH_SLOT);
            headers.putLong(i * MMSGHDR + MSGHDR_IOV, iovecsAt + i * 16L).putLong(i * MMSGHDR + MSGHDR_IOVLEN, 1);
        }
        batchIovecs = iovecs; // the headers point into it: it must live as long as they do
        batchHeaders = headers;
        batchSlots = slots;
    }

    /** poll() on this socket and the waker: true when the socket has data, false when woken. */
    private boolean awaitReadable(Waker waker) throws ErrnoException {
        pollFds.putInt(0, fd).putShort(4, Sys.POLLIN).putShort(6, (short) 0);
        pollFds.putInt(8, waker.fd()).putShort(12, Sys.POLLIN).putShort(14, (short) 0);
        while (true) {
            int ready = libc.poll(pollFds, 2, -1);
            if (ready >= 0) {
                break;
            }
            int errno = Sys.errno();
            if (errno != Errno.EINTR) {
                throw new ErrnoException(errno, "poll(netlink)");
            }
        }
        if (pollFds.getShort(14) != 0) {
            return false;
        }
        return pollFds.getShort(6) != 0;
    }

    /** poll() on this socket alone for up to {@code timeoutMillis}: true when it has data (or an error to report). */
    private boolean awaitReadable(int timeoutMillis) throws ErrnoException {
        pollFds.putInt(0, fd).putShort(4, Sys.POLLIN).putShort(6, (short) 0);
        while (true) {
            int ready = libc.poll(pollFds, 1, timeoutMillis);
            if (ready >= 0) {
                return ready > 0 && pollFds.getShort(6) != 0;
            }
            int errno = Sys.errno();
            if (errno != Errno.EINTR) {
                throw new ErrnoException(errno, "poll(netlink)");
            }
        }
    }

    /**
     * Reads away the events queued now, without waiting, and returns how many messages they held: after an overflow
     * they are older than the resync that replaces them. Stops after a receive buffer's worth, so a flood that keeps
     * coming cannot hold the caller here.
     */
    public int discardQueuedEvents() {
        long budget = Math.max(receiveBuffer.effective(), recvBuf.capacity());
        int messages = 0;
        while (budget > 0) {
            int n;
            try {
                n = receive(Sys.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOBUFS && e.errno() != Errno.EMSGSIZE) {
                    return messages;
                }
                budget -= 4096; // more of the same overflow; counted, so a storm of them ends too
                continue;
            }
            if (n < 0) {
                return messages;
            }
            budget -= Math.max(n, 1);
            for (int pos = 0; pos + Nl.HEADER_LEN <= n; pos += Nl.align(Math.max(recvBuf.getInt(pos), Nl.HEADER_LEN))) {
                messages++;
            }
        }
        return messages;
    }

    private int send(MessageBuilder request) throws ErrnoException {
        int s = nextSeq();
        ByteBuffer msg = request.finish(s, portId);
        int len = msg.remaining();
        ByteBuffer out = len <= sendBuf.capacity() ? sendBuf : ByteBuffer.allocateDirect(len);
        out.put(0, msg, msg.position(), len); // absolute: jnr-ffi passes a direct buffer from its position
        sendRaw(out, len);
        return s;
    }

    /** One datagram of {@code len} bytes from the start of the direct buffer {@code out}. */
    private void sendRaw(ByteBuffer out, int len) throws ErrnoException {
        while (true) {
            long sent = libc.sendto(fd, out, len, 0, kernelAddr, kernelAddr.capacity());
            if (sent >= 0) {
                return;
            }
            int errno = Sys.errno();
            if (errno != Errno.EINTR) {
                throw new ErrnoException(errno, "sendto(netlink)");
            }
        }
    }

    /** Reads replies to {@code s} until ACK/DONE/error; returns whether the dump was flagged NLM_F_DUMP_INTR. */
    private <T> boolean receiveUntilEnd(int s, Decoder<T> decoder, List<T> out) throws ErrnoException {
        boolean interrupted = false;
        while (true) {
            int n = receive(0);
            if (n < 0) {
                throw new ErrnoException(Errno.ETIMEDOUT, "no reply from the kernel within " + REPLY_TIMEOUT_SECONDS + " s");
            }
            int pos = 0;
            while (pos + Nl.HEADER_LEN <= n) {
                int len = recvBuf.getInt(pos);
                int type = recvBuf.getShort(pos + 4) & 0xffff;
                int flags = recvBuf.getShort(pos + 6) & 0xffff;
                int mseq = recvBuf.getInt(pos + 8);
                int mport = recvBuf.getInt(pos + 12);
                if (len < Nl.HEADER_LEN || pos + len > n) {
                    throw new ErrnoException(Errno.EBADMSG, "malformed netlink message of length " + len);
                }
                int at = pos;
                pos += Nl.align(len);
                if (mseq != s || mport != portId) {
                    continue; // the tail of an earlier request that was abandoned on an exception
                }
                if ((flags & Nl.F_DUMP_INTR) != 0) {
                    interrupted = true;
                }
                ByteBuffer payload = Attrs.slice(recvBuf, at + Nl.HEADER_LEN, len - Nl.HEADER_LEN);
                switch (type) {
                    case Nl.NLMSG_NOOP:
                        break;
                    case Nl.NLMSG_ERROR:
                        replyEnded = true;
                        checkError(payload, flags, false);
                        return interrupted; // error 0 is the ACK
                    case Nl.NLMSG_DONE:
                        replyEnded = true;
                        if (payload.limit() >= 4 && payload.getInt(0) < 0) {
                            checkError(payload, flags, true);
                        }
                        return interrupted;
                    case Nl.NLMSG_OVERRUN:
                        throw new ErrnoException(Errno.ENOBUFS, "netlink overrun");
                    default:
                        T value = decoder.decode(type, payload);
                        if (value != null) {
                            out.add(value);
                        }
                }
            }
        }
    }

    /**
     * NLMSG_ERROR payload: int error, the echoed request (only its header when NLM_F_CAPPED), then extended-ACK
     * attributes if NLM_F_ACK_TLVS. NLMSG_DONE of a failed dump: int error, then the attributes directly.
     */
    private static void checkError(ByteBuffer payload, int flags, boolean done) throws ErrnoException {
        ErrnoException e = errorOf(payload, flags, done);
        if (e != null) {
            throw e;
        }
    }

    /** What {@link #checkError} throws, or null for an ACK. */
    private static ErrnoException errorOf(ByteBuffer payload, int flags, boolean done) {
        int error = payload.limit() >= 4 ? payload.getInt(0) : -Errno.EBADMSG;
        if (error == 0) {
            return null;
        }
        String kernelMessage = null;
        if ((flags & Nl.F_ACK_TLVS) != 0) {
            int attrsAt = 4;
            if (!done) {
                attrsAt = (flags & Nl.F_CAPPED) != 0 || payload.limit() < 4 + Nl.HEADER_LEN
                        ? 4 + Nl.HEADER_LEN : 4 + Nl.align(payload.getInt(4));
            }
            if (attrsAt <= payload.limit()) {
                kernelMessage = Attrs.parse(payload, attrsAt).string(Nl.NLMSGERR_ATTR_MSG);
            }
        }
        return new ErrnoException(-error, kernelMessage);
    }

    /** One recv(); -1 on timeout or, with MSG_DONTWAIT, when nothing is queued. The kernel never splits a message. */
    private int receive(int flags) throws ErrnoException {
        while (true) {
            long n = libc.recv(fd, recvBuf, recvBuf.capacity(), Sys.MSG_TRUNC | flags);
            if (n >= 0) {
                if (n > recvBuf.capacity()) {
                    throw new ErrnoException(Errno.EMSGSIZE, "netlink datagram of " + n + " bytes exceeds the "
                            + recvBuf.capacity() + "-byte receive buffer");
                }
                return (int) n;
            }
            int errno = Sys.errno();
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            if (errno != Errno.EINTR) {
                throw new ErrnoException(errno, "recv(netlink)");
            }
        }
    }

    private int nextSeq() {
        seq = seq == Integer.MAX_VALUE ? 1 : seq + 1; // 0 is what unsolicited events carry
        return seq;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }

    /** struct sockaddr_nl: family, pad, port id, groups. */
    private static ByteBuffer sockaddr(int pid, int groups) {
        ByteBuffer b = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) Sys.AF_NETLINK).putInt(4, pid).putInt(8, groups);
        return b;
    }

    /** setsockopt of an int; returns libc's result (0, or -1 with errno set). */
    private static int setIntOption(LibC libc, int fd, int level, int option, int value) {
        ByteBuffer v = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        v.putInt(0, value);
        return libc.setsockopt(fd, level, option, v, 4);
    }

    private static int getIntOption(LibC libc, int fd, int level, int option) throws ErrnoException {
        ByteBuffer v = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        IntByReference len = new IntByReference(4);
        if (libc.getsockopt(fd, level, option, v, len) < 0) {
            throw new ErrnoException(Sys.errno(), "getsockopt(" + level + ", " + option + ")");
        }
        return v.getInt(0);
    }

    /** struct timeval on 64-bit Linux: long seconds, long microseconds. */
    private static void setReceiveTimeout(LibC libc, int fd, int seconds) {
        ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        tv.putLong(0, seconds).putLong(8, 0);
        libc.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_RCVTIMEO, tv, 16);
    }
}
