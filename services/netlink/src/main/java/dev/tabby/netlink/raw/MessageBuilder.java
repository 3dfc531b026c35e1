package dev.tabby.netlink.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One netlink request: the nlmsghdr, the fixed family header written field by field, then rtattrs (4-byte aligned,
 * nestable). Native byte order throughout, except where a caller asks for network order ({@link #attrU16be}).
 * The socket fills in the sequence number and port id when it sends.
 */
public final class MessageBuilder {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final int type;

    public MessageBuilder(int type, int flags) {
        this.type = type;
        buf.putInt(0).putShort((short) type).putShort((short) (flags | Nl.F_REQUEST)).putInt(0).putInt(0);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return buf.getShort(6) & 0xffff;
    }

    // --- fixed header fields (ifinfomsg, rtmsg, ...) ---

    public MessageBuilder u8(int v) {
        ensure(1).put((byte) v);
        return this;
    }

    public MessageBuilder u16(int v) {
        ensure(2).putShort((short) v);
        return this;
    }

    public MessageBuilder u32(int v) {
        ensure(4).putInt(v);
        return this;
    }

    // --- attributes ---

    public MessageBuilder attr(int attrType, byte[] value) {
        int len = 4 + value.length;
        ensure(Nl.align(len));
        buf.putShort((short) len).putShort((short) attrType).put(value);
        pad();
        return this;
    }

    public MessageBuilder attrU8(int attrType, int v) {
        return attr(attrType, new byte[] {(byte) v});
    }

    public MessageBuilder attrU16(int attrType, int v) {
        ensure(8);
        buf.putShort((short) 6).putShort((short) attrType).putShort((short) v);
        pad();
        return this;
    }

    /** A 16-bit value in network byte order, e.g. IFLA_VXLAN_PORT. */
    public MessageBuilder attrU16be(int attrType, int v) {
        return attr(attrType, new byte[] {(byte) (v >>> 8), (byte) v});
    }

    public MessageBuilder attrU32(int attrType, int v) {
        ensure(8);
        buf.putShort((short) 8).putShort((short) attrType).putInt(v);
        return this;
    }

    /** A NUL-terminated string, as the kernel's NLA_STRING / NLA_NUL_STRING policies accept. */
    public MessageBuilder attrString(int attrType, String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[raw.length + 1];
        System.arraycopy(raw, 0, withNul, 0, raw.length);
        return attr(attrType, withNul);
    }

    /** Opens a nested attribute; close it with {@link #nestEnd(int)} passing the returned mark. */
    public int nestStart(int attrType) {
        ensure(4);
        int mark = buf.position();
        buf.putShort((short) 0).putShort((short) attrType);
        return mark;
    }

    public MessageBuilder nestEnd(int mark) {
        buf.putShort(mark, (short) (buf.position() - mark));
        return this;
    }

    /** Starts a raw struct inside an attribute (e.g. rtnexthop); returns its offset for {@link #putU16At}. */
    public int mark() {
        return buf.position();
    }

    public MessageBuilder putU16At(int offset, int v) {
        buf.putShort(offset, (short) v);
        return this;
    }

    /** The finished message (nlmsg_len set), readable from position 0. */
    public ByteBuffer finish(int seq, int portId) {
        ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        out.putInt(0, out.limit());
        out.putInt(8, seq);
        out.putInt(12, portId);
        return out;
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    private ByteBuffer ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        return buf;
    }
}
