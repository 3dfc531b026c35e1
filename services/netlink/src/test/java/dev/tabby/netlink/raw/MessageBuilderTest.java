package dev.tabby.netlink.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class MessageBuilderTest {
    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Expected bytes, written field by field in native order as the kernel reads them. */
    private static ByteBuffer expected(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.nativeOrder());
    }

    @Test
    void headerAttributesNestsAndPaddingAreLaidOutAsTheKernelExpects() {
        MessageBuilder m = new MessageBuilder(Nl.RTM_NEWLINK, Nl.F_CREATE | Nl.F_ACK)
                .u8(0).u8(0).u16(0).u32(5).u32(1).u32(1);
        m.attrString(3, "ab");
        int info = m.nestStart(18);
        m.attrString(1, "vxlan");
        int data = m.nestStart(2);
        m.attrU16be(15, 4789);
        m.attrU8(7, 0);
        m.nestEnd(data);
        m.nestEnd(info);
        ByteBuffer msg = m.finish(7, 99);

        ByteBuffer e = expected(76);
        e.putInt(76).putShort((short) 16).putShort((short) (0x400 | 0x4 | 0x1)).putInt(7).putInt(99); // nlmsghdr
        e.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(5).putInt(1).putInt(1);             // ifinfomsg
        e.putShort((short) 7).putShort((short) 3).put(new byte[] {'a', 'b', 0, 0});                   // "ab\0" + pad
        e.putShort((short) 36).putShort((short) 18);                                                  // LINKINFO
        e.putShort((short) 10).putShort((short) 1).put(new byte[] {'v', 'x', 'l', 'a', 'n', 0, 0, 0}); // kind
        e.putShort((short) 20).putShort((short) 2);                                                   // DATA
        e.putShort((short) 6).putShort((short) 15).put((byte) 0x12).put((byte) 0xb5).putShort((short) 0); // port, big-endian
        e.putShort((short) 5).putShort((short) 7).put((byte) 0).put(new byte[3]);                     // learning 0
        assertArrayEquals(e.array(), bytes(msg));
    }

    @Test
    void attributesParseBackWithoutCopying() {
        MessageBuilder m = new MessageBuilder(Nl.RTM_NEWLINK, 0).u32(0);
        m.attrU32(4, 1410).attrString(3, "cali1").attrU16(9, 0xbeef).attrU16be(15, 4789);
        int nest = m.nestStart(18 | 0x8000); // NLA_F_NESTED, as newer kernels set it
        m.attrString(1, "veth");
        m.nestEnd(nest);
        ByteBuffer msg = m.finish(1, 0);
        ByteBuffer payload = Attrs.slice(msg, Nl.HEADER_LEN, msg.limit() - Nl.HEADER_LEN);

        Attrs a = Attrs.parse(payload, 4);
        assertEquals(1410, a.u32(4, 0));
        assertEquals("cali1", a.string(3));
        assertEquals(0xbeef, a.u16(9, 0));
        assertEquals(4789, a.u16be(15, 0));
        assertEquals("veth", a.nested(18).string(1), "the NLA_F_NESTED bit is not part of the type");
        assertFalse(a.has(5));
        assertNull(a.string(5));
        assertEquals(-1, a.u32(5, -1));
        assertTrue(a.nested(99).string(1) == null);
    }

    @Test
    void aTruncatedAttributeEndsParsingInsteadOfReadingPastTheMessage() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putShort((short) 8).putShort((short) 1).putInt(42);   // good
        b.putShort((short) 200).putShort((short) 2).putInt(0); // claims more than there is
        b.flip();
        Attrs a = Attrs.parse(b, 0);
        assertEquals(42, a.u32(1, 0));
        assertFalse(a.has(2));
    }

    @Test
    void growsBeyondItsFirstBuffer() {
        MessageBuilder m = new MessageBuilder(Nl.RTM_NEWROUTE, 0);
        for (int i = 0; i < 200; i++) {
            m.attrU32(1, i);
        }
        assertEquals(Nl.HEADER_LEN + 200 * 8, m.finish(1, 0).limit());
    }

    @Test
    void errnoNamesAndTexts() {
        assertEquals("ENETUNREACH", Errno.name(101));
        assertEquals("Network is unreachable", Errno.text(101));
        assertEquals("EEXIST", Errno.name(Errno.EEXIST));
        assertEquals("errno 4000", Errno.name(4000));
    }
}
