package dev.tabby.netlink.nflog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A message copied out of a direct receive buffer, and its fields read from the copy in either byte order. */
class WireTest {
    @Test
    void copiesTheRangeFromIndexZeroAndGrowsOnlyWhenItMustFit() {
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 64; i++) {
            direct.put(i, (byte) i);
        }
        byte[] scratch = new byte[8];
        byte[] got = Wire.copy(direct, 10, 14, scratch);
        assertSame(scratch, got, "4 bytes fit the 8 there are");
        assertArrayEquals(new byte[] {10, 11, 12, 13}, Arrays.copyOf(got, 4));
        byte[] grown = Wire.copy(direct, 20, 40, scratch);
        assertEquals(true, grown.length >= 20);
        assertArrayEquals(new byte[] {20, 21, 22, 23, 24}, Arrays.copyOf(grown, 5));
        assertEquals(0, direct.position(), "the receive buffer's position stays where the reader keeps it");
    }

    @Test
    void readsHostOrderHeadersAndNetworkOrderValues() {
        byte[] b = {0x12, 0x34, 0x56, 0x78, (byte) 0x9a, (byte) 0xbc, (byte) 0xde, (byte) 0xf0};
        assertEquals(0x3412, Wire.u16(b, 0, true));
        assertEquals(0x1234, Wire.u16(b, 0, false));
        assertEquals(0x1234, Wire.be16(b, 0));
        assertEquals(0x12345678, Wire.be32(b, 0));
        assertEquals(0x9abcdef0, Wire.be32(b, 4));
        assertEquals(0x123456789abcdef0L, Wire.be64(b, 0));
        assertEquals(true, Wire.little(ByteBuffer.allocate(1).order(ByteOrder.LITTLE_ENDIAN)));
        assertEquals(false, Wire.little(ByteBuffer.allocate(1)));
    }
}
