package dev.tabby.netlink.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The rtattrs of one message (or one nest), indexed by type. Each value is a slice of the receive buffer, not a
 * copy, so an Attrs is only valid until the socket's next receive: decode it into records straight away.
 */
public final class Attrs {
    /** The kernel may set NLA_F_NESTED / NLA_F_NET_BYTEORDER in the type; they are not part of the number. */
    private static final int TYPE_MASK = 0x3fff;

    private ByteBuffer[] byType = new ByteBuffer[32];

    private Attrs() {
    }

    /** Parses the attributes in {@code buf} from {@code offset} to its limit. Malformed tails are ignored, as the kernel's own parser does. */
    public static Attrs parse(ByteBuffer buf, int offset) {
        Attrs a = new Attrs();
        int pos = offset;
        int end = buf.limit();
        while (pos + 4 <= end) {
            int len = buf.getShort(pos) & 0xffff;
            int type = buf.getShort(pos + 2) & TYPE_MASK;
            if (len < 4 || pos + len > end) {
                break;
            }
            a.put(type, slice(buf, pos + 4, len - 4));
            pos += Nl.align(len);
        }
        return a;
    }

    /** A native-order view of {@code len} bytes at {@code offset} (slice() alone would be big-endian). */
    public static ByteBuffer slice(ByteBuffer buf, int offset, int len) {
        return buf.slice(offset, len).order(ByteOrder.nativeOrder());
    }

    private void put(int type, ByteBuffer value) {
        if (type >= byType.length) {
            byType = Arrays.copyOf(byType, Math.max(type + 1, byType.length * 2));
        }
        byType[type] = value;
    }

    public boolean has(int type) {
        return type < byType.length && byType[type] != null;
    }

    /** The raw value, positioned at 0; null when absent. */
    public ByteBuffer get(int type) {
        return has(type) ? byType[type] : null;
    }

    public int u8(int type, int absent) {
        ByteBuffer b = get(type);
        return b == null || b.limit() < 1 ? absent : b.get(0) & 0xff;
    }

    public int u16(int type, int absent) {
        ByteBuffer b = get(type);
        return b == null || b.limit() < 2 ? absent : b.getShort(0) & 0xffff;
    }

    public int u16be(int type, int absent) {
        ByteBuffer b = get(type);
        return b == null || b.limit() < 2 ? absent : ((b.get(0) & 0xff) << 8) | (b.get(1) & 0xff);
    }

    public int u32(int type, int absent) {
        ByteBuffer b = get(type);
        return b == null || b.limit() < 4 ? absent : b.getInt(0);
    }

    /** A 32-bit value in network byte order (nfnetlink sends its numbers so). */
    public long u32be(int type, long absent) {
        ByteBuffer b = get(type);
        return b == null || b.limit() < 4 ? absent
                : Integer.toUnsignedLong(b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0));
    }

    /** A 64-bit value in network byte order, e.g. CTA_COUNTERS_BYTES. */
    public long u64be(int type, long absent) {
        ByteBuffer b = get(type);
        return b == null || b.limit() < 8 ? absent : b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(0);
    }

    /** A string attribute without its trailing NUL; null when absent. */
    public String string(int type) {
        ByteBuffer b = get(type);
        if (b == null) {
            return null;
        }
        int n = 0;
        while (n < b.limit() && b.get(n) != 0) {
            n++;
        }
        byte[] out = new byte[n];
        b.get(0, out);
        return new String(out, StandardCharsets.UTF_8);
    }

    public byte[] bytes(int type) {
        ByteBuffer b = get(type);
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.limit()];
        b.get(0, out);
        return out;
    }

    /** The attributes nested inside {@code type}; empty when absent. */
    public Attrs nested(int type) {
        ByteBuffer b = get(type);
        return b == null ? new Attrs() : parse(b, 0);
    }
}
