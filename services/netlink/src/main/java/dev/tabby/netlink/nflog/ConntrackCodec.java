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
     * Reads the entry into {@code out} by walking the attributes of its copy in {@code out} (no allocation once that
     * is as large as the largest message); false when the message
     * lacks an original tuple with two addresses of one family.
     */
    static boolean read(ByteBuffer m, ConntrackEndView out) {
        return read(m, 0, m.limit(), out);
    }

    /** {@link #read(ByteBuffer, ConntrackEndView)} of the message between {@code from} and {@code end} of {@code m}. */
    static boolean read(ByteBuffer m, int from, int end, ConntrackEndView out) {
        byte[] b = Wire.copy(m, from, end, out.scratch);
        out.scratch = b;
        return read(b, end - from, Wire.little(m), out);
    }

    /**
     * {@link #read(ByteBuffer, ConntrackEndView)} of the message copied to {@code m} (0 to {@code end}, attribute
     * headers {@code little}-endian or not): the reader copies each message once ({@link Wire}) for this and
     * {@link #wanted(byte[], int, boolean, ConntrackEvents.EndFilter)}.
     */
    static boolean read(byte[] m, int end, boolean little, ConntrackEndView out) {
        out.clear();
        if (end < Nfnl.NFGENMSG_LEN) {
            return false;
        }
        boolean addresses = false;
        int pos = Nfnl.NFGENMSG_LEN;
        while (pos + 4 <= end) {
            int len = Wire.u16(m, pos, little);
            if (len < 4 || pos + len > end) {
                break;
            }
            int at = pos + 4;
            int to = pos + len;
            switch (Wire.u16(m, pos + 2, little) & 0x3fff) {
                case Nfnl.CTA_TUPLE_ORIG -> addresses = tuple(m, at, to, little, out);
                case Nfnl.CTA_COUNTERS_ORIG -> {
                    out.origPackets = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_PACKETS, little), little);
                    out.origBytes = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_BYTES, little), little);
                }
                case Nfnl.CTA_COUNTERS_REPLY -> {
                    out.replyPackets = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_PACKETS, little), little);
                    out.replyBytes = u64(m, find(m, at, to, Nfnl.CTA_COUNTERS_BYTES, little), little);
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
    private static boolean tuple(byte[] m, int from, int to, boolean little, ConntrackEndView out) {
        int ip = find(m, from, to, Nfnl.CTA_TUPLE_IP, little);
        int proto = find(m, from, to, Nfnl.CTA_TUPLE_PROTO, little);
        if (proto >= 0) {
            int pf = proto + 4;
            int pt = proto + Wire.u16(m, proto, little);
            int num = find(m, pf, pt, Nfnl.CTA_PROTO_NUM, little);
            int sp = find(m, pf, pt, Nfnl.CTA_PROTO_SRC_PORT, little);
            int dp = find(m, pf, pt, Nfnl.CTA_PROTO_DST_PORT, little);
            out.protocol = num >= 0 && valueLength(m, num, little) >= 1 ? m[num + 4] & 0xff : 0;
            out.srcPort = sp >= 0 && valueLength(m, sp, little) >= 2 ? be16(m, sp + 4) : 0;
            out.dstPort = dp >= 0 && valueLength(m, dp, little) >= 2 ? be16(m, dp + 4) : 0;
        }
        if (ip < 0) {
            return false;
        }
        int af = ip + 4;
        int at = ip + Wire.u16(m, ip, little);
        int src = find(m, af, at, Nfnl.CTA_IP_V4_SRC, little);
        int dst = find(m, af, at, Nfnl.CTA_IP_V4_DST, little);
        if (src >= 0 && dst >= 0 && valueLength(m, src, little) == 4 && valueLength(m, dst, little) == 4) {
            out.ipv6 = false;
            out.srcLo = Integer.toUnsignedLong(be32(m, src + 4));
            out.dstLo = Integer.toUnsignedLong(be32(m, dst + 4));
            return true;
        }
        src = find(m, af, at, Nfnl.CTA_IP_V6_SRC, little);
        dst = find(m, af, at, Nfnl.CTA_IP_V6_DST, little);
        if (src >= 0 && dst >= 0 && valueLength(m, src, little) == 16 && valueLength(m, dst, little) == 16) {
            out.ipv6 = true;
            out.srcHi = u64(m, src, little);
            out.srcLo = u64At(m, src + 12);
            out.dstHi = u64(m, dst, little);
            out.dstLo = u64At(m, dst + 12);
            return true;
        }
        return false;
    }

    /** The be64 value of the attribute at {@code attr} (offset of its header), 0 when absent or short. */
    private static long u64(byte[] m, int attr, boolean little) {
        return attr < 0 || valueLength(m, attr, little) < 8 ? 0 : u64At(m, attr + 4);
    }

    private static long u64At(byte[] m, int at) {
        return Wire.be64(m, at);
    }

    /**
     * Whether {@code filter} wants this end, asked with the message's CTA_ID and its original tuple's protocol and
     * ports, read by walking the attributes: a reader that follows some connections among
     * many decides on these before decoding the rest. Absent values are {@link NflogPacket#NO_CT_ID} and 0.
     */
    static boolean wanted(ByteBuffer payload, ConntrackEvents.EndFilter filter) {
        return wanted(payload, 0, payload.limit(), filter);
    }

    /** {@link #wanted(ByteBuffer, ConntrackEvents.EndFilter)} of the message between {@code from} and {@code end}. */
    static boolean wanted(ByteBuffer payload, int from, int end, ConntrackEvents.EndFilter filter) {
        byte[] b = Wire.copy(payload, from, end, new byte[end - from]);
        return wanted(b, end - from, Wire.little(payload), filter);
    }

    /** {@link #wanted(ByteBuffer, ConntrackEvents.EndFilter)} of the message copied to {@code payload} (0 to end). */
    static boolean wanted(byte[] payload, int end, boolean little, ConntrackEvents.EndFilter filter) {
        if (end < Nfnl.NFGENMSG_LEN) {
            return filter.wants(NflogPacket.NO_CT_ID, 0, 0, 0);
        }
        long id = NflogPacket.NO_CT_ID;
        int at = find(payload, Nfnl.NFGENMSG_LEN, end, Nfnl.CTA_ID, little);
        if (at >= 0 && valueLength(payload, at, little) >= 4) {
            id = Integer.toUnsignedLong(be32(payload, at + 4));
        }
        int protocol = 0;
        int srcPort = 0;
        int dstPort = 0;
        int tuple = find(payload, Nfnl.NFGENMSG_LEN, end, Nfnl.CTA_TUPLE_ORIG, little);
        int proto = tuple < 0 ? -1 : find(payload, tuple + 4, tuple + 4 + valueLength(payload, tuple, little),
                Nfnl.CTA_TUPLE_PROTO, little);
        if (proto >= 0) {
            int pf = proto + 4;
            int pt = pf + valueLength(payload, proto, little);
            int num = find(payload, pf, pt, Nfnl.CTA_PROTO_NUM, little);
            int sp = find(payload, pf, pt, Nfnl.CTA_PROTO_SRC_PORT, little);
            int dp = find(payload, pf, pt, Nfnl.CTA_PROTO_DST_PORT, little);
            protocol = num >= 0 && valueLength(payload, num, little) >= 1 ? payload[num + 4] & 0xff : 0;
            srcPort = sp >= 0 && valueLength(payload, sp, little) >= 2 ? be16(payload, sp + 4) : 0;
            dstPort = dp >= 0 && valueLength(payload, dp, little) >= 2 ? be16(payload, dp + 4) : 0;
        }
        return filter.wants(id, protocol, srcPort, dstPort);
    }

    /** The offset of the attribute of {@code type} between {@code from} and {@code to}, or -1. */
    private static int find(byte[] b, int from, int to, int type, boolean little) {
        int pos = from;
        while (pos + 4 <= to) {
            int len = Wire.u16(b, pos, little);
            if (len < 4 || pos + len > to) {
                return -1;
            }
            if ((Wire.u16(b, pos + 2, little) & 0x3fff) == type) { // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
                return pos;
            }
            pos += (len + 3) & ~3;
        }
        return -1;
    }

    private static int valueLength(byte[] b, int attr, boolean little) {
        return Wire.u16(b, attr, little) - 4;
    }

    private static int be16(byte[] b, int at) {
        return Wire.be16(b, at);
    }

    private static int be32(byte[] b, int at) {
        return Wire.be32(b, at);
    }
}
