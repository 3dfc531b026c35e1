package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;

/**
 * The five-tuple (protocol, addresses, ports) that a logged packet ({@link NflogView}) and an ended connection
 * ({@link ConntrackEndView}) both carry, read in place into reused fields. Addresses are two longs each: the 16 bytes
 * of an IPv6 address as big-endian halves, or an IPv4 address in the low 32 bits of {@code lo} with {@code hi} 0 and
 * {@link #ipv6()} false, so a caller can key and cache them without objects.
 */
public abstract class TupleView {
    int protocol;
    boolean ipv6;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int srcPort;
    int dstPort;
    /** The message being read, copied out of the receive buffer ({@link Wire}); grows to the largest message. */
    byte[] scratch = new byte[512];

    TupleView() {
    }

    /** Forgets the previous tuple: what a message lacks reads as absent, never as the last one's. */
    void clearTuple() {
        protocol = 0;
        ipv6 = false;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        srcPort = 0;
        dstPort = 0;
    }

    public int protocol() {
        return protocol;
    }

    public boolean ipv6() {
        return ipv6;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** 0 for a protocol without ports. */
    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    /** The source address (allocates). */
    public IpAddress src() {
        return address(ipv6, srcHi, srcLo);
    }

    /** The destination address (allocates). */
    public IpAddress dst() {
        return address(ipv6, dstHi, dstLo);
    }

    /** The address held as {@code hi}/{@code lo} (allocates). */
    public static IpAddress address(boolean ipv6, long hi, long lo) {
        byte[] b;
        if (ipv6) {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        } else {
            b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) (lo >>> (24 - 8 * i));
            }
        }
        return IpAddress.of(b);
    }
}
