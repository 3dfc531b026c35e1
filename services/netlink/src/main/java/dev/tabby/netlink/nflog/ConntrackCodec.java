package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.raw.Attrs;
import java.nio.ByteBuffer;

/**
 * Decodes ctnetlink's conntrack messages (IPCTNL_MSG_CT_NEW / _DELETE, linux/netfilter/nfnetlink_conntrack.h): after
 * nfgenmsg, CTA_TUPLE_ORIG nests CTA_TUPLE_IP (the addresses) and CTA_TUPLE_PROTO (number and ports, be16), and
 * CTA_COUNTERS_ORIG / _REPLY nest be64 CTA_COUNTERS_PACKETS and _BYTES, present only with accounting on.
 */
final class ConntrackCodec {
    private ConntrackCodec() {
    }

    /** The entry, or null when the message lacks an original tuple with addresses. */
    static ConntrackEnd decode(ByteBuffer payload) {
        if (payload.limit() < Nfnl.NFGENMSG_LEN) {
            return null;
        }
        Attrs a = Attrs.parse(payload, Nfnl.NFGENMSG_LEN);
        Attrs tuple = a.nested(Nfnl.CTA_TUPLE_ORIG);
        Attrs ip = tuple.nested(Nfnl.CTA_TUPLE_IP);
        byte[] src = ip.bytes(Nfnl.CTA_IP_V4_SRC);
        byte[] dst = ip.bytes(Nfnl.CTA_IP_V4_DST);
        if (src == null || dst == null) {
            src = ip.bytes(Nfnl.CTA_IP_V6_SRC);
            dst = ip.bytes(Nfnl.CTA_IP_V6_DST);
        }
        if (src == null || dst == null || (src.length != 4 && src.length != 16) || dst.length != src.length) {
            return null;
        }
        Attrs proto = tuple.nested(Nfnl.CTA_TUPLE_PROTO);
        Attrs orig = a.nested(Nfnl.CTA_COUNTERS_ORIG);
        Attrs reply = a.nested(Nfnl.CTA_COUNTERS_REPLY);
        return new ConntrackEnd(proto.u8(Nfnl.CTA_PROTO_NUM, 0), IpAddress.of(src), IpAddress.of(dst),
                proto.u16be(Nfnl.CTA_PROTO_SRC_PORT, 0), proto.u16be(Nfnl.CTA_PROTO_DST_PORT, 0),
                orig.u64be(Nfnl.CTA_COUNTERS_PACKETS, 0), orig.u64be(Nfnl.CTA_COUNTERS_BYTES, 0),
                reply.u64be(Nfnl.CTA_COUNTERS_PACKETS, 0), reply.u64be(Nfnl.CTA_COUNTERS_BYTES, 0),
                a.u32be(Nfnl.CTA_ID, NflogPacket.NO_CT_ID));
    }

    /**
     * Whether {@code filter} wants this end, asked with the message's CTA_ID and its original tuple's protocol and
     * ports, read by walking the attributes in place (no allocation): a reader that follows some connections among
     * many decides on these before decoding the rest. Absent values are {@link NflogPacket#NO_CT_ID} and 0.
     */
    static boolean wanted(ByteBuffer payload, ConntrackEvents.EndFilter filter) {
        int end = payload.limit();
        long id = NflogPacket.NO_CT_ID;
        int at = find(payload, Nfnl.NFGENMSG_LEN, end, Nfnl.CTA_ID);
        if (at >= 0 && valueLength(payload, at) >= 4) {
            id = Integer.toUnsignedLong(be32(payload, at + 4));
        }
        int protocol = 0;
        int srcPort = 0;
        int dstPort = 0;
        int tuple = find(payload, Nfnl.NFGENMSG_LEN, end, Nfnl.CTA_TUPLE_ORIG);
        int proto = tuple < 0 ? -1 : find(payload, tuple + 4, tuple + 4 + valueLength(payload, tuple), Nfnl.CTA_TUPLE_PROTO);
        if (proto >= 0) {
            int from = proto + 4;
            int to = from + valueLength(payload, proto);
            int num = find(payload, from, to, Nfnl.CTA_PROTO_NUM);
            int sp = find(payload, from, to, Nfnl.CTA_PROTO_SRC_PORT);
            int dp = find(payload, from, to, Nfnl.CTA_PROTO_DST_PORT);
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
