package dev.tabby.netlink.nflog;

import java.nio.ByteBuffer;

/**
 * Decodes ctnetlink's conntrack messages (IPCTNL_MSG_CT_NEW / _DELETE, linux/netfilter/nfnetlink_conntrack.h): after
 * nfgenmsg, CTA_TUPLE_ORIG nests CTA_TUPLE_IP (the addresses) and CTA_TUPLE_PROTO (number and ports, be16), and
 * CTA_COUNTERS_ORIG / _REPLY nest be64 CTA_COUNTERS_PACKETS and _BYTES, present only with accounting on.
 */
final class ConntrackCodec {
    private ConntrackCodec() {
    }

    /** The entry, or null when the message lacks an original tuple with addresses. Allocates; see {@link #read}. */
    static ConntrackEnd decode(ByteBuffer payload) {
        ConntrackEndView v = new ConntrackEndView();
        return read(payload, v) ? v.toEnd() : null;
    }

    /**
     * Reads the entry into {@code out} by walking the attributes in place (no allocation); false when the message
     * lacks an original tuple with two addresses of one family.
     */
    static boolean read(ByteBuffer m, ConntrackEndView out) {
        return read(m, 0, m.limit(), out);
    }

    /** {@link #read(ByteBuffer, ConntrackEndView)} of the message between {@code from} and {@code end} of {@code m}. */
    static boolean read(ByteBuffer m, int from, int end, ConntrackEndView out) {
        out.clear();
        if (end - from < Nfnl.NFGENMSG_LEN) {
            return false;
        }
        boolean addresses = false;
        int pos = from + Nfnl.NFGENMSG_LEN;
        while (pos + 4 <= end) {
            int len = m.getShort(pos) & 0xffff;
            if (len < 4 || pos + len > end) {
                break;
            }
            int at = pos + 4;
            int to = pos + len;
            switch (m.getShort(pos + 2) & 0x3fff) {
                case Nfnl.CTA_TUPLE_ORIG -> addresses = tuple(m, at, to, out);
                case Nfnl.CTA_COUNTERS_ORIG -> {
                    out.origPackets = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_PACKETS));
                    out.origBytes = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_BYTES));
                }
                case Nfnl.CTA_COUNTERS_REPLY -> {
                    out.replyPackets = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_PACKETS));
                    out.replyBytes = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_BYTES));
                }
                case Nfnl.CTA_ID -> out.id = len >= 8 ? Integer.toUnsignedLong(be32(m, at)) : NflogPacket.NO_CT_ID;
                default -> {
                }
            }
            pos += (len + 3) & ~3;
        }
        return addresses;
    }

    /** CTA_TUPLE_ORIG's addresses, protocol and ports into {@code out}; false without two addresses of one family. */
    private static boolean tuple(ByteBuffer m, int from, int to, ConntrackEndView out) {
        int ip = find(m, from, to, Nfnl.CTA_TUPLE_IP);
        int proto = find(m, from, to, Nfnl.CTA_TUPLE_PROTO);
        if (proto >= 0) {
            int pf = proto + 4;
            int pt = proto + (m.getShort(proto) & 0xffff);
            int num = find(m, pf, pt, Nfnl.CTA_PROTO_NUM);
            int sp = find(m, pf, pt, Nfnl.CTA_PROTO_SRC_PORT);
            int dp = find(m, pf, pt, Nfnl.CTA_PROTO_DST_PORT);
            out.protocol = num >= 0 && valueLength(m, num) >= 1 ? m.get(num + 4) & 0xff : 0;
            out.srcPort = sp >= 0 && valueLength(m, sp) >= 2 ? be16(m, sp + 4) : 0;
            out.dstPort = dp >= 0 && valueLength(m, dp) >= 2 ? be16(m, dp + 4) : 0;
        }
        if (ip < 0) {
            return false;
        }
        int af = ip + 4;
        int at = ip + (m.getShort(ip) & 0xffff);
        int src = find(m, af, at, Nfnl.CTA_IP_V4_SRC);
        int dst = find(m, af, at, Nfnl.CTA_IP_V4_DST);
        if (src >= 0 && dst >= 0 && valueLength(m, src) == 4 && valueLength(m, dst) == 4) {
            out.ipv6 = false;
            out.srcLo = Integer.toUnsignedLong(be32(m, src + 4));
            out.dstLo = Integer.toUnsignedLong(be32(m, dst + 4));
            return true;
        }
        src = find(m, af, at, Nfnl.CTA_IP_V6_SRC);
        dst = find(m, af, at, Nfnl.CTA_IP_V6_DST);
        if (src >= 0 && dst >= 0 && valueLength(m, src) == 16 && valueLength(m, dst) == 16) {
            out.ipv6 = true;
            out.srcHi = u64(m, src);
            out.srcLo = u64At(m, src + 12);
            out.dstHi = u64(m, dst);
            out.dstLo = u64At(m, dst + 12);
            return true;
        }
        return false;
    }

    /** The be64 value of the attribute at {@code attr} (offset of its header), 0 when absent or short. */
    private static long u64(ByteBuffer m, int attr) {
        return attr < 0 || valueLength(m, attr) < 8 ? 0 : u64At(m, attr + 4);
    }

    private static long u64At(ByteBuffer m, int at) {
        return ((long) be32(m, at) << 32) | Integer.toUnsignedLong(be32(m, at + 4));
    }

    /**
     * Whether {@code filter} wants this end, asked with the message's CTA_ID and its original tuple's protocol and
     * ports, read by walking the attributes in place (no allocation): a reader that follows some connections among
     * many decides on these before decoding the rest. Absent values are {@link NflogPacket#NO_CT_ID} and 0.
     */
    static boolean wanted(ByteBuffer payload, ConntrackEvents.EndFilter filter) {
        return wanted(payload, 0, payload.limit(), filter);
    }

    /** {@link #wanted(ByteBuffer, ConntrackEvents.EndFilter)} of the message between {@code from} and {@code end}. */
    static boolean wanted(ByteBuffer payload, int from, int end, ConntrackEvents.EndFilter filter) {
        if (end - from < Nfnl.NFGENMSG_LEN) {
            return filter.wants(NflogPacket.NO_CT_ID, 0, 0, 0);
        }
        long id = NflogPacket.NO_CT_ID;
        int at = find(payload, from + Nfnl.NFGENMSG_LEN, end, Nfnl.CTA_ID);
        if (at >= 0 && valueLength(payload, at) >= 4) {
            id = Integer.toUnsignedLong(be32(payload, at + 4));
        }
        int protocol = 0;
        int srcPort = 0;
        int dstPort = 0;
        int tuple = find(payload, from + Nfnl.NFGENMSG_LEN, end, Nfnl.CTA_TUPLE_ORIG);
        int proto = tuple < 0 ? -1 : find(payload, tuple + 4, tuple + 4 + valueLength(payload, tuple), Nfnl.CTA_TUPLE_PROTO);
        if (proto >= 0) {
            int pf = proto + 4;
            int pt = pf + valueLength(payload, proto);
            int num = find(payload, pf, pt, Nfnl.CTA_PROTO_NUM);
            int sp = find(payload, pf, pt, Nfnl.CTA_PROTO_SRC_PORT);
            int dp = find(payload, pf, pt, Nfnl.CTA_PROTO_DST_PORT);
            protocol = num >= 0 && valueLength(payload, num) >= 1 ? payload.get(num + 4) & 0xff : 0;
            srcPort = sp >= 0 && valueLength(payload, sp) >= 2 ? be16(payload, sp + 4) : 0;
            dstPort = dp >= 0 && valueLength(payload, dp) >= 2 ? be16(payload, dp + 4) : 0;
        }
        return filter.wants(id, protocol, srcPort, dstPort);
    }

    /** The offset of the attribute of {@code type} between {@code from} and {@code to}, or -1. */
    private static int find(ByteBuffer b, int from, int to, int type) {
        int pos = from;
        while (pos + 4 <= to) {
            int len = b.getShort(pos) & 0xffff;
            if (len < 4 || pos + len > to) {
                return -1;
            }
            if ((b.getShort(pos + 2) & 0x3fff) == type) { // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
                return pos;
            }
            pos += (len + 3) & ~3;
        }
        return -1;
    }

    private static int valueLength(ByteBuffer b, int attr) {
        return (b.getShort(attr) & 0xffff) - 4;
    }

    private static int be16(ByteBuffer b, int at) {
        return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
    }

    private static int be32(ByteBuffer b, int at) {
        return ((b.get(at) & 0xff) << 24) | ((b.get(at + 1) & 0xff) << 16) | ((b.get(at + 2) & 0xff) << 8)
                | (b.get(at + 3) & 0xff);
    }
}
