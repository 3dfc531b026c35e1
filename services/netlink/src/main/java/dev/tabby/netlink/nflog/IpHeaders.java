package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;
import java.nio.ByteBuffer;

/**
 * Reads the five-tuple from the start of an IP packet (RFC 791, RFC 8200) as NFLOG copies it: possibly cut short at
 * the copy range, so every read is bounds-checked and a missing transport header leaves the ports at 0.
 */
final class IpHeaders {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int DCCP = 33;
    static final int SCTP = 132;
    static final int UDPLITE = 136;

    // IPv6 extension headers that may come before the transport header (RFC 8200 section 4)
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int AH = 51;
    private static final int DEST_OPTS = 60;
    /** A bound on the extension-header walk, so a crafted chain cannot keep the reader busy. */
    private static final int MAX_EXTENSIONS = 8;

    /** {@link Tuple#synSeq()} of a packet that is not a TCP SYN (or was cut before its flags). */
    static final long NO_SYN = -1;

    /**
     * What the headers say; null fields mean the packet was too short to say it.
     *
     * @param synSeq a TCP SYN's sequence number (its connection's initial one: a retransmitted SYN repeats it, a new
     *               connection on the same ports picks another), {@link #NO_SYN} for any other packet
     */
    record Tuple(int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort, int length, long synSeq) {
        Tuple(int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort, int length) {
            this(protocol, src, dst, srcPort, dstPort, length, NO_SYN);
        }
    }

    private IpHeaders() {
    }

    /** The tuple of the packet in {@code p} (position 0 to limit); null when not even the IP header is there. */
    static Tuple parse(ByteBuffer p) {
        if (p == null || p.limit() < 1) {
            return null;
        }
        int version = (p.get(0) & 0xff) >>> 4;
        if (version == 4) {
            return parse4(p);
        }
        if (version == 6) {
            return parse6(p);
        }
        return null;
    }

    private static Tuple parse4(ByteBuffer p) {
        if (p.limit() < 20) {
            return null;
        }
        int headerLen = (p.get(0) & 0x0f) * 4;
        int length = u16(p, 2);
        int fragmentOffset = u16(p, 6) & 0x1fff;
        int protocol = p.get(9) & 0xff;
        IpAddress src = IpAddress.of(bytes(p, 12, 4));
        IpAddress dst = IpAddress.of(bytes(p, 16, 4));
        // Only the first fragment carries the transport header.
        boolean l4 = headerLen >= 20 && fragmentOffset == 0;
        return withPorts(p, protocol, src, dst, length, l4 ? headerLen : -1);
    }

    private static Tuple parse6(ByteBuffer p) {
        if (p.limit() < 40) {
            return null;
        }
        int length = 40 + u16(p, 4);
        int next = p.get(6) & 0xff;
        IpAddress src = IpAddress.of(bytes(p, 8, 16));
        IpAddress dst = IpAddress.of(bytes(p, 24, 16));
        int at = 40;
        for (int i = 0; i < MAX_EXTENSIONS; i++) {
            if (next != HOP_BY_HOP && next != ROUTING && next != FRAGMENT && next != AH && next != DEST_OPTS) {
                return withPorts(p, next, src, dst, length, at);
            }
            if (at + 8 > p.limit()) {
                return new Tuple(next, src, dst, 0, 0, length); // cut inside the extension headers
            }
            int following = p.get(at) & 0xff;
            if (next == FRAGMENT) {
                if ((u16(p, at + 2) & 0xfff8) != 0) {
                    return new Tuple(following, src, dst, 0, 0, length); // not the first fragment: no ports here
                }
                at += 8;
            } else if (next == AH) {
                at += ((p.get(at + 1) & 0xff) + 2) * 4; // RFC 4302: length in 4-octet units, minus 2
            } else {
                at += ((p.get(at + 1) & 0xff) + 1) * 8; // length in 8-octet units, not counting the first 8
            }
            next = following;
        }
        return new Tuple(next, src, dst, 0, 0, length);
    }

    /** The tuple with ports read at {@code l4} when the protocol has them and they were copied; -1 for none. */
    private static Tuple withPorts(ByteBuffer p, int protocol, IpAddress src, IpAddress dst, int length, int l4) {
        boolean ported = protocol == TCP || protocol == UDP || protocol == SCTP || protocol == UDPLITE || protocol == DCCP;
        if (!ported || l4 < 0 || l4 + 4 > p.limit()) {
            return new Tuple(protocol, src, dst, 0, 0, length);
        }
        long synSeq = NO_SYN;
        // RFC 9293: sequence number at 4, flags at 13; a SYN without ACK opens a connection (SYN+ACK answers one).
        if (protocol == TCP && l4 + 14 <= p.limit() && (p.get(l4 + 13) & 0x12) == 0x02) {
            synSeq = Integer.toUnsignedLong((u16(p, l4 + 4) << 16) | u16(p, l4 + 6));
        }
        return new Tuple(protocol, src, dst, u16(p, l4), u16(p, l4 + 2), length, synSeq);
    }

    private static int u16(ByteBuffer p, int at) {
        return ((p.get(at) & 0xff) << 8) | (p.get(at + 1) & 0xff);
    }

    private static byte[] bytes(ByteBuffer p, int at, int len) {
        byte[] out = new byte[len];
        p.get(at, out);
        return out;
    }
}
