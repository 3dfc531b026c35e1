package dev.tabby.netlink.nflog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.IpAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Reading NFULNL_MSG_PACKET in place into one reused {@link NflogView}, on hand-made messages laid out as
 * nfnetlink_log lays them (net/netfilter/nfnetlink_log.c, __build_packet_message): attributes this kernel may not
 * send (NFULA_CT needs CONFIG_NETFILTER_NETLINK_GLUE_CT), and a second packet that must not show the first's fields.
 */
class NflogReadTest {
    private static byte[] attr(int type, byte[] value) {
        int len = 4 + value.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(value);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] be32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    /** nfgenmsg for {@code group}, then the attributes. */
    private static ByteBuffer message(int group, byte[]... attrs) {
        byte[] head = {(byte) Nfnl.AF_INET, 0, (byte) (group >>> 8), (byte) group};
        return ByteBuffer.wrap(concat(head, concat(attrs))).order(ByteOrder.nativeOrder());
    }

    /** An IPv4 TCP SYN (flags 0x02) from 10.65.0.2:40000 to 10.65.0.3:80 with sequence number 0xfedcba98. */
    private static byte[] syn() {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 60).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .put(new byte[] {10, 65, 0, 2}).put(new byte[] {10, 65, 0, 3})
                .putShort((short) 40000).putShort((short) 80).putInt(0xfedcba98).putInt(0).put((byte) 0x50)
                .put((byte) 0x02);
        return b.array();
    }

    private static byte[] text(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPacketIsReadInPlaceWithItsConntrackIdAndTheNextLeavesNothingOfIt() {
        NflogView view = new NflogView();
        ByteBuffer first = message(2,
                attr(Nfnl.NFULA_PACKET_HDR, new byte[] {8, 0, 0, 0}),
                attr(Nfnl.NFULA_IFINDEX_INDEV, be32(7)),
                attr(Nfnl.NFULA_PREFIX, text("tabby:A:0:0123456789ab")),
                attr(Nfnl.NFULA_PAYLOAD, syn()),
                attr(Nfnl.NFULA_CT | 0x8000, concat(attr(Nfnl.CTA_TUPLE_ORIG | 0x8000, new byte[8]),
                        attr(Nfnl.CTA_ID | 0x4000, be32(0xdeadbeefL)))));
        assertTrue(NflogSocket.read(first, view));
        assertEquals(new NflogPacket(2, "tabby:A:0:0123456789ab", 6, IpAddress.parse("10.65.0.2"),
                IpAddress.parse("10.65.0.3"), 40000, 80, 60, 7, 0, 0xdeadbeefL, 0xfedcba98L), view.toPacket());
        assertTrue(view.prefixEquals("tabby:A:0:0123456789ab".getBytes(StandardCharsets.UTF_8)));

        // The same view, a shorter prefix, an IPv6 UDP packet, no conntrack entry, an output interface only.
        ByteBuffer v6 = ByteBuffer.allocate(48);
        v6.putInt(0x60000000).putShort((short) 8).put((byte) 17).put((byte) 64)
                .put(IpAddress.parse("fd00::2").bytes()).put(IpAddress.parse("fd00::3").bytes())
                .putShort((short) 53).putShort((short) 5353).putInt(0);
        ByteBuffer second = message(1, attr(Nfnl.NFULA_IFINDEX_OUTDEV, be32(9)), attr(Nfnl.NFULA_PREFIX, text("x")),
                attr(Nfnl.NFULA_PAYLOAD, v6.array()));
        assertTrue(NflogSocket.read(second, view));
        assertEquals(new NflogPacket(1, "x", 17, IpAddress.parse("fd00::2"), IpAddress.parse("fd00::3"), 53, 5353, 48, 0,
                9, NflogPacket.NO_CT_ID, NflogPacket.NO_SYN), view.toPacket());
    }

    @Test
    void aPacketWithoutAnIpHeaderIsUndecodable() {
        NflogView view = new NflogView();
        assertFalse(NflogSocket.read(message(1, attr(Nfnl.NFULA_PREFIX, text("p"))), view), "no payload");
        assertFalse(NflogSocket.read(message(1, attr(Nfnl.NFULA_PAYLOAD, new byte[] {0x45, 0, 0})), view), "cut");
        ByteBuffer cut = message(1, attr(Nfnl.NFULA_PAYLOAD, syn()));
        cut.limit(cut.limit() - 30); // the attribute's length runs past the message: ignored, as the kernel would
        assertFalse(NflogSocket.read(cut, view));
    }

    @Test
    void theRecordApiRoundTripsThroughTheView() {
        NflogPacket p = new NflogPacket(1, "tabby:D:-1:0123456789ab", 6, IpAddress.parse("fd00::1"),
                IpAddress.parse("fd00::9"), 1, 2, 3, 4, 5, 6, 7);
        assertEquals(p, new NflogView().set(p).toPacket());
    }
}
