package dev.tabby.netlink.nflog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fields of a netlink message copied into a byte array: the readers copy each message out of the direct receive
 * buffer in one bulk copy and parse the array, because the services run C1 only (images/jvm/service.args), which
 * does not reduce a direct ByteBuffer's get() to a load: each one was a chain of calls (bounds check, memory-session
 * check, Unsafe), and a logged packet or a conntrack end is read with a hundred of them.
 */
final class Wire {
    private Wire() {
    }

    /**
     * The bytes of {@code m} between {@code from} and {@code end} in {@code into} from index 0, or in a larger array
     * when they do not fit: the array that holds them.
     */
    static byte[] copy(ByteBuffer m, int from, int end, byte[] into) {
        int n = end - from;
        byte[] b = into.length >= n ? into : new byte[Math.max(n, into.length * 2)];
        m.get(from, b, 0, n);
        return b;
    }

    /** Whether {@code m}'s attribute headers read little-endian (netlink's are in host order). */
    static boolean little(ByteBuffer m) {
        return m.order() == ByteOrder.LITTLE_ENDIAN;
    }

    /** An unsigned 16-bit value in the given order: a netlink attribute header's length or type. */
    static int u16(byte[] b, int at, boolean little) {
        return little ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 : (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    /** An unsigned 16-bit value in network order. */
    static int be16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    /** A 32-bit value in network order. */
    static int be32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** A 64-bit value in network order. */
    static long be64(byte[] b, int at) {
        return (long) be32(b, at) << 32 | Integer.toUnsignedLong(be32(b, at + 4));
    }
}
