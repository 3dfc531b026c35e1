package dev.tabby.netlink.nflog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tabby.model.net.IpAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Header parsing on packets cut short, fragmented or with IPv6 extension headers: shapes a test network rarely makes. */
class IpHeadersTest {
    /** An IPv4 header (20 bytes, no options) + 4 port bytes. */
    private static byte[] v4(int protocol, int fragmentOffset) {
        ByteBuffer b = ByteBuffer.allocate(24);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 1000).putShort((short) 0).putShort((short) fragmentOffset)
                .put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2})
                .putShort((short) 40000).putShort((short) 443);
        return b.array();
    }

    private static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    @Test
    void ipv4WithPorts() {
        IpHeaders.Tuple t = IpHeaders.parse(buf(v4(6, 0)));
        assertEquals(6, t.protocol());
        assertEquals(IpAddress.parse("10.0.0.1"), t.src());
        assertEquals(IpAddress.parse("10.0.0.2"), t.dst());
        assertEquals(40000, t.srcPort());
        assertEquals(443, t.dstPort());
        assertEquals(1000, t.length());
    }

    @Test
    void cutBeforeThePortsKeepsTheAddresses() {
        IpHeaders.Tuple t = IpHeaders.parse(buf(Arrays.copyOf(v4(17, 0), 22)));
        assertEquals(17, t.protocol());
        assertEquals(IpAddress.parse("10.0.0.2"), t.dst());
        assertEquals(0, t.srcPort());
        assertEquals(0, t.dstPort());
    }

    @Test
    void cutInsideTheIpHeaderIsUndecodable() {
        assertNull(IpHeaders.parse(buf(Arrays.copyOf(v4(6, 0), 19))));
        assertNull(IpHeaders.parse(buf(new byte[0])));
        assertNull(IpHeaders.parse(null));
        assertNull(IpHeaders.parse(buf(new byte[] {0x20, 0, 0, 0})), "version 2 is no IP");
    }

    @Test
    void aLaterFragmentHasNoPorts() {
        IpHeaders.Tuple t = IpHeaders.parse(buf(v4(6, 185)));
        assertEquals(6, t.protocol());
        assertEquals(0, t.srcPort());
    }

    @Test
    void ipv6PortsAfterExtensionHeaders() {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + 8 + 4);
        b.putInt(0x60000000).putShort((short) 20).put((byte) 0).put((byte) 64); // next: hop-by-hop
        b.put(IpAddress.parse("fd00::1").bytes()).put(IpAddress.parse("fd00::2").bytes());
        b.put((byte) 44).put((byte) 0).put(new byte[6]); // hop-by-hop, 8 bytes, next: fragment
        b.put((byte) 132).put((byte) 0).putShort((short) 0).putInt(7); // first fragment, next: SCTP
        b.putShort((short) 5000).putShort((short) 6000);
        IpHeaders.Tuple t = IpHeaders.parse(buf(b.array()));
        assertEquals(132, t.protocol());
        assertEquals(IpAddress.parse("fd00::1"), t.src());
        assertEquals(5000, t.srcPort());
        assertEquals(6000, t.dstPort());
        assertEquals(60, t.length());

        byte[] cut = Arrays.copyOf(b.array(), 44); // inside the hop-by-hop header
        IpHeaders.Tuple partial = IpHeaders.parse(buf(cut));
        assertEquals(IpAddress.parse("fd00::2"), partial.dst());
        assertEquals(0, partial.dstPort());
    }
}
