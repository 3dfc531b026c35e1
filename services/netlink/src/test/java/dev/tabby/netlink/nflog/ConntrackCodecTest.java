package dev.tabby.netlink.nflog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.IpAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-place look at a DESTROY message (CTA_ID and the original tuple's protocol and ports) that lets the conntrack
 * reader skip ends it does not follow, on hand-made messages laid out as ctnetlink lays them
 * (net/netfilter/nf_conntrack_netlink.c: ctnetlink_conntrack_event).
 */
class ConntrackCodecTest {
    /** An attribute: native-order header, value, padded to 4. */
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

    private static byte[] be(int bytes, long v) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (v >>> (8 * (bytes - 1 - i)));
        }
        return out;
    }

    private static ByteBuffer message(byte[]... attrs) {
        byte[] body = concat(new byte[] {(byte) Nfnl.AF_INET, 0, 0, 0}, concat(attrs));
        return ByteBuffer.wrap(body).order(ByteOrder.nativeOrder());
    }

    private static final byte[] TUPLE = attr(Nfnl.CTA_TUPLE_ORIG | 0x8000, concat(
            attr(Nfnl.CTA_TUPLE_IP | 0x8000, concat(attr(Nfnl.CTA_IP_V4_SRC, be(4, 0x0a410002L)),
                    attr(Nfnl.CTA_IP_V4_DST, be(4, 0x0a410003L)))),
            attr(Nfnl.CTA_TUPLE_PROTO | 0x8000, concat(attr(Nfnl.CTA_PROTO_NUM, new byte[] {6}),
                    attr(Nfnl.CTA_PROTO_SRC_PORT, be(2, 40000)), attr(Nfnl.CTA_PROTO_DST_PORT, be(2, 80))))));

    private static List<Long> seen(ByteBuffer message) {
        List<Long> out = new ArrayList<>();
        boolean wanted = ConntrackCodec.wanted(message, (id, protocol, srcPort, dstPort) -> {
            out.addAll(List.of(id, (long) protocol, (long) srcPort, (long) dstPort));
            return false;
        });
        assertFalse(wanted, "the filter's answer is the answer");
        return out;
    }

    @Test
    void theIdAndTheOriginalPortsAreReadInPlaceAndTheIdUnsigned() {
        ByteBuffer m = message(TUPLE, attr(Nfnl.CTA_COUNTERS_ORIG | 0x8000, attr(1, be(8, 5))),
                attr(Nfnl.CTA_ID | 0x4000, be(4, 0xdeadbeefL)));
        assertEquals(List.of(0xdeadbeefL, 6L, 40000L, 80L), seen(m));
        assertEquals(0xdeadbeefL, ConntrackCodec.decode(m).id(), "the decoder reads the same id");
        assertEquals(40000, ConntrackCodec.decode(m).srcPort());
    }

    @Test
    void aMessageWithoutAnIdOrCutShortHasNone() {
        assertEquals(List.of(NflogPacket.NO_CT_ID, 6L, 40000L, 80L), seen(message(TUPLE)));
        ByteBuffer cut = message(attr(Nfnl.CTA_ID, be(4, 7)));
        cut.limit(cut.limit() - 2);
        assertEquals(List.of(NflogPacket.NO_CT_ID, 0L, 0L, 0L), seen(cut));
    }

    @Test
    void anEndIsReadInPlaceWithItsCountsAndTheReusedViewKeepsNothingOfTheLastOne() {
        ByteBuffer counted = message(TUPLE,
                attr(Nfnl.CTA_COUNTERS_ORIG | 0x8000, concat(attr(Nfnl.CTA_COUNTERS_PACKETS, be(8, 5)),
                        attr(Nfnl.CTA_COUNTERS_BYTES, be(8, 300)))),
                attr(Nfnl.CTA_COUNTERS_REPLY | 0x8000, concat(attr(Nfnl.CTA_COUNTERS_PACKETS, be(8, 4)),
                        attr(Nfnl.CTA_COUNTERS_BYTES, be(8, 0x1_0000_0000L)))),
                attr(Nfnl.CTA_ID, be(4, 9)));
        ConntrackEndView view = new ConntrackEndView();
        assertTrue(ConntrackCodec.read(counted, view));
        assertEquals(new ConntrackEnd(6, IpAddress.parse("10.65.0.2"), IpAddress.parse("10.65.0.3"), 40000, 80, 5, 300,
                4, 0x1_0000_0000L, 9), view.toEnd());

        // ctnetlink's IPv6 tuple (CTA_IP_V6_*), no counters, no id: the view must not show the previous end's.
        byte[] v6 = attr(Nfnl.CTA_TUPLE_ORIG | 0x8000, concat(
                attr(Nfnl.CTA_TUPLE_IP | 0x8000, concat(attr(Nfnl.CTA_IP_V6_SRC, IpAddress.parse("fd00::2").bytes()),
                        attr(Nfnl.CTA_IP_V6_DST, IpAddress.parse("fd00:1::ffff:3").bytes()))),
                attr(Nfnl.CTA_TUPLE_PROTO | 0x8000, concat(attr(Nfnl.CTA_PROTO_NUM, new byte[] {17}),
                        attr(Nfnl.CTA_PROTO_SRC_PORT, be(2, 53)), attr(Nfnl.CTA_PROTO_DST_PORT, be(2, 5353))))));
        assertTrue(ConntrackCodec.read(message(v6), view));
        assertEquals(new ConntrackEnd(17, IpAddress.parse("fd00::2"), IpAddress.parse("fd00:1::ffff:3"), 53, 5353, 0, 0,
                0, 0, NflogPacket.NO_CT_ID), view.toEnd());

        assertFalse(ConntrackCodec.read(message(attr(Nfnl.CTA_ID, be(4, 7))), view), "no tuple: no end");
    }
}
