package dev.tabby.netlink.nflog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One logged packet read in place from the socket's receive buffer into this one reused object, so the NFLOG reader
 * makes no object per packet: at 10,000 logged packets a second the records, slices, addresses and strings of a
 * decoded {@link NflogPacket} were most of the reader's CPU and the GC's. Only valid inside the handler call that
 * hands it over; the next packet overwrites it. Keep what you need as primitives, or {@link #toPacket()}.
 *
 * <p>Its five-tuple is {@link TupleView}'s; the fields mean what {@link NflogPacket}'s do.
 */
public final class NflogView extends TupleView {
    /** The kernel's NFLOG prefix holds 64 bytes with its NUL (xt_NFLOG.h). */
    static final int MAX_PREFIX = 64;

    int group;
    int length;
    int inIfindex;
    int outIfindex;
    long ctId;
    long synSeq;
    final byte[] prefix = new byte[MAX_PREFIX];
    int prefixLength;

    /** Forgets the previous packet: what a message lacks reads as absent, never as the last packet's. */
    void clear() {
        clearTuple();
        group = 0;
        length = 0;
        inIfindex = 0;
        outIfindex = 0;
        ctId = NflogPacket.NO_CT_ID;
        synSeq = NflogPacket.NO_SYN;
        prefixLength = 0;
    }

    public int group() {
        return group;
    }

    public int length() {
        return length;
    }

    public int inIfindex() {
        return inIfindex;
    }

    public int outIfindex() {
        return outIfindex;
    }

    public long ctId() {
        return ctId;
    }

    public long synSeq() {
        return synSeq;
    }

    /** The prefix's length in bytes, without its NUL. */
    public int prefixLength() {
        return prefixLength;
    }

    /** Byte {@code i} of the prefix, 0 <= i < {@link #prefixLength()}. */
    public byte prefixByte(int i) {
        return prefix[i];
    }

    /** A hash of the prefix's bytes, for a caller's cache of decoded prefixes. */
    public int prefixHash() {
        int h = 1;
        for (int i = 0; i < prefixLength; i++) {
            h = 31 * h + prefix[i];
        }
        return h;
    }

    /** Whether the prefix's bytes are {@code bytes}. */
    public boolean prefixEquals(byte[] bytes) {
        return Arrays.equals(prefix, 0, prefixLength, bytes, 0, bytes.length);
    }

    /** A copy of the prefix's bytes (allocates: for a cache's miss). */
    public byte[] prefixBytes() {
        return Arrays.copyOf(prefix, prefixLength);
    }

    /** The prefix as text (allocates). */
    public String prefix() {
        return new String(prefix, 0, prefixLength, StandardCharsets.UTF_8);
    }

    /** This packet as a record that outlives the handler call (allocates). */
    public NflogPacket toPacket() {
        return new NflogPacket(group, prefix(), protocol, src(), dst(), srcPort, dstPort, length, inIfindex, outIfindex,
                ctId, synSeq);
    }

    /** Sets this view to {@code p}: the record API's packets (tests, other sources) through the same path. */
    public NflogView set(NflogPacket p) {
        clear();
        group = p.group();
        protocol = p.protocol();
        byte[] s = p.src().bytes();
        byte[] d = p.dst().bytes();
        ipv6 = s.length == 16;
        srcHi = ipv6 ? be64(s, 0) : 0;
        srcLo = ipv6 ? be64(s, 8) : Integer.toUnsignedLong(be32(s, 0));
        dstHi = d.length == 16 ? be64(d, 0) : 0;
        dstLo = d.length == 16 ? be64(d, 8) : Integer.toUnsignedLong(be32(d, 0));
        srcPort = p.srcPort();
        dstPort = p.dstPort();
        length = p.length();
        inIfindex = p.inIfindex();
        outIfindex = p.outIfindex();
        ctId = p.ctId();
        synSeq = p.synSeq();
        byte[] text = p.prefix().getBytes(StandardCharsets.UTF_8);
        prefixLength = Math.min(text.length, MAX_PREFIX);
        System.arraycopy(text, 0, prefix, 0, prefixLength);
        return this;
    }

    private static long be64(byte[] b, int at) {
        return ((long) be32(b, at) << 32) | Integer.toUnsignedLong(be32(b, at + 4));
    }

    private static int be32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
