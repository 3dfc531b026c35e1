package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;
import java.nio.ByteBuffer;

/**
 * Reads the five-tuple from the start of an IP packet (RFC 791, RFC 8200) as NFLOG copies it: possibly cut short at
 * the copy range, so every read is bounds-checked and a missing transport header leaves the ports at 0. Read from the
 * message's copy ({@link Wire}) into an {@link NflogView}.
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
    }

    private IpHeaders() {
    }

    /**
     * The tuple of the packet in {@code p} (position 0 to limit); null when not even the IP header is there. Allocates:
     * the reader uses {@link #read}, this is its record form.
     */
    static Tuple parse(ByteBuffer p) {
        if (p == null) {
            return null;
        }
        NflogView v = new NflogView();
        v.clear();
        byte[] b = Wire.copy(p, 0, p.limit(), new byte[p.limit()]);
        if (!read(b, 0, b.length, v)) {
            return null;
        }
        return new Tuple(v.protocol, v.src(), v.dst(), v.srcPort, v.dstPort, v.length, v.synSeq);
    }

    /**
     * Reads the packet in {@code p} between {@code from} and {@code to} into {@code out}'s protocol, addresses,
     * ports, length and SYN sequence number, in place (no allocation); false when not even the IP header is there.
     */
    static boolean read(byte[] p, int from, int to, NflogView out) {
        if (to - from < 1) {
            return false;
        }
        int version = (p[from] & 0xff) >>> 4;
        if (version == 4) {
            return read4(p, from, to, out);
        }
        if (version == 6) {
            return read6(p, from, to, out);
        }
        return false;
    }

    private static boolean read4(byte[] p, int at, int to, NflogView out) {
        if (to - at < 20) {
            return false;
        }
        int headerLen = (p[at] & 0x0f) * 4;
        int fragmentOffset = u16(p, at + 6) & 0x1fff;
        out.ipv6 = false;
        out.length = u16(p, at + 2);
        out.protocol = p[at + 9] & 0xff;
        out.srcHi = 0;
        out.srcLo = Integer.toUnsignedLong(u32(p, at + 12));
        out.dstHi = 0;
        out.dstLo = Integer.toUnsignedLong(u32(p, at + 16));
        // Only the first fragment carries the transport header.
        if (headerLen >= 20 && fragmentOffset == 0) {
            ports(p, at + headerLen, to, out);
        }
        return true;
    }

    private static boolean read6(byte[] p, int start, int to, NflogView out) {
        if (to - start < 40) {
            return false;
        }
        out.ipv6 = true;
        out.length = 40 + u16(p, start + 4);
        int next = p[start + 6] & 0xff;
        out.srcHi = u64(p, start + 8);
        out.srcLo = u64(p, start + 16);
        out.dstHi = u64(p, start + 24);
        out.dstLo = u64(p, start + 32);
        int at = start + 40;
        for (int i = 0; i < MAX_EXTENSIONS; i++) {
            if (next != HOP_BY_HOP && next != ROUTING && next != FRAGMENT && next != AH && next != DEST_OPTS) {
                out.protocol = next;
                ports(p, at, to, out);
                return true;
            }
            if (at + 8 > to) {
                out.protocol = next; // cut inside the extension headers
                return true;
            }
            int following = p[at] & 0xff;
            if (next == FRAGMENT) {
                if ((u16(p, at + 2) & 0xfff8) != 0) {
                    out.protocol = following; // not the first fragment: no ports here
                    return true;
                }
                at += 8;
            } else if (next == AH) {
                at += ((p[at + 1] & 0xff) + 2) * 4; // RFC 4302: length in 4-octet units, minus 2
            } else {
                at += ((p[at + 1] & 0xff) + 1) * 8; // length in 8-octet units, not counting the first 8
            }
            next = following;
        }
        out.protocol = next;
        return true;
    }

    /** The ports at {@code l4} when {@code out}'s protocol has them and they were copied, and a TCP SYN's sequence. */
    private static void ports(byte[] p, int l4, int to, NflogView out) {
        int protocol = out.protocol;
        boolean ported = protocol == TCP || protocol == UDP || protocol == SCTP || protocol == UDPLITE || protocol == DCCP;
        if (!ported || l4 + 4 > to) {
            return;
        }
        out.srcPort = u16(p, l4);
        out.dstPort = u16(p, l4 + 2);
        // RFC 9293: sequence number at 4, flags at 13; a SYN without ACK opens a connection (SYN+ACK answers one).
        if (protocol == TCP && l4 + 14 <= to && (p[l4 + 13] & 0x12) == 0x02) {
            out.synSeq = Integer.toUnsignedLong(u32(p, l4 + 4));
        }
    }

    private static int u16(byte[] p, int at) {
        return Wire.be16(p, at);
    }

    private static int u32(byte[] p, int at) {
        return Wire.be32(p, at);
    }

    private static long u64(byte[] p, int at) {
        return Wire.be64(p, at);
    }
}
