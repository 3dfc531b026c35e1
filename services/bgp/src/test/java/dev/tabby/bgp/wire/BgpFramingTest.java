package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.Frames.buf;
import static dev.tabby.bgp.wire.Frames.decode;
import static dev.tabby.bgp.wire.Frames.frame;
import static dev.tabby.bgp.wire.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header rules of RFC 4271 sections 4.1 and 6.1, with RFC 8654's and RFC 7313's additions. */
class BgpFramingTest {
    private static final Negotiated PLAIN = Negotiated.BEFORE_OPEN;
    private static final Negotiated EXTENDED = new Negotiated(true, true, Set.of(AfiSafi.IPV4_UNICAST));

    private static BgpDecodeException refused(byte[] bytes, Negotiated n) {
        return assertThrows(BgpDecodeException.class, () -> decode(bytes, n));
    }

    private static void assertError(BgpDecodeException e, int code, int subcode, String data) {
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(subcode, e.subcode(), e.getMessage());
        assertArrayEquals(hex(data), e.data(), e.getMessage());
    }

    @Test
    void keepaliveIsTheHeaderAlone() throws Exception {
        byte[] wire = hex(Frames.MARKER + "0013 04");
        assertEquals(Keepalive.INSTANCE, decode(wire, PLAIN));
        assertArrayEquals(wire, Frames.encode(Keepalive.INSTANCE, PLAIN));
    }

    @Test
    void aMarkerOctetNotAllOnesIsConnectionNotSynchronized() {
        byte[] wire = frame(4, new byte[0]);
        wire[7] = (byte) 0xFE;
        assertError(refused(wire, PLAIN), 1, 1, "");
    }

    @Test
    void fewerThanNineteenOctetsIsIncomplete() throws Exception {
        ByteBuf in = buf(hex(Frames.MARKER + "0013"));
        assertNull(BgpFraming.decode(in, PLAIN));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void aBodyNotYetArrivedIsIncompleteAndNothingIsConsumed() throws Exception {
        byte[] whole = frame(3, hex("0602 01"));
        ByteBuf in = buf(java.util.Arrays.copyOf(whole, whole.length - 1));
        assertNull(BgpFraming.decode(in, PLAIN));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void twoMessagesInOneBufferDecodeOneAtATime() throws Exception {
        byte[] a = frame(4, new byte[0]);
        byte[] b = frame(5, hex("0001 00 01"));
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        ByteBuf in = buf(both);
        assertEquals(Keepalive.INSTANCE, BgpFraming.decode(in, PLAIN));
        assertEquals(19, in.readerIndex());
        assertEquals(new RouteRefresh(1, 0, 1), BgpFraming.decode(in, PLAIN));
        assertEquals(0, in.readableBytes());
        assertNull(BgpFraming.decode(in, PLAIN));
    }

    @Test
    void aRefusedMessageLeavesTheReaderIndexAlone() {
        ByteBuf in = buf(frame(20, 4, new byte[1]));
        assertThrows(BgpDecodeException.class, () -> BgpFraming.decode(in, PLAIN));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void lengthBelowNineteenIsBadMessageLengthWithTheLengthAsData() {
        assertError(refused(frame(18, 4, new byte[0]), PLAIN), 1, 2, "0012");
    }

    @Test
    void lengthOver4096WithoutExtendedMessageIsRefusedBeforeTheBodyArrives() {
        // Only the header is there: the length alone is enough to refuse (RFC 4271 section 6.1).
        assertError(refused(frame(4097, 3, new byte[0]), PLAIN), 1, 2, "1001");
    }

    @Test
    void length65535IsAllowedWithExtendedMessage() throws Exception {
        byte[] data = new byte[65535 - 21];
        data[data.length - 1] = 0x42;
        byte[] wire = frame(3, concat(hex("0600"), data));
        assertEquals(65535, wire.length);
        Notification n = (Notification) decode(wire, EXTENDED);
        assertEquals(65535 - 21, n.data().length);
        assertArrayEquals(wire, Frames.encode(n, EXTENDED));
        assertError(refused(wire, PLAIN), 1, 2, "ffff");
    }

    @Test
    void anOpenOver4096IsRefusedEvenWithExtendedMessage() {
        // RFC 8654 section 4: the capability does not apply to OPEN.
        assertError(refused(frame(4097, 1, new byte[4097 - 19]), EXTENDED), 1, 2, "1001");
    }

    @ParameterizedTest(name = "type {0} -> Bad Message Type")
    @CsvSource({"0", "6", "255"})
    void anUnknownTypeIsBadMessageTypeWithTheTypeAsData(int type) {
        assertError(refused(frame(type, new byte[4]), PLAIN), 1, 3, String.format("%02x", type));
    }

    @ParameterizedTest(name = "type {0} length {1} -> Bad Message Length")
    @CsvSource({
        "4, 20", "4, 23", // KEEPALIVE exactly 19
        "1, 28", // OPEN at least 29
        "3, 20", // NOTIFICATION at least 21
        "5, 22", "5, 24", "5, 19", // ROUTE-REFRESH exactly 23 (subtype 0)
        "2, 22", "2, 19", // UPDATE at least 23
    })
    void perTypeLengthRules(int type, int length) {
        byte[] body = new byte[length - 19];
        assertError(refused(frame(type, body), PLAIN), 1, 2, String.format("%04x", length));
    }

    @Test
    void theShortestLegalLengthOfEachTypeIsAccepted() throws Exception {
        assertEquals(new Notification(6, 0, null), decode(frame(3, hex("0600")), PLAIN));
        assertEquals(new RouteRefresh(2, 0, 1), decode(frame(5, hex("0002 00 01")), PLAIN));
        assertEquals(new Open(4, 65001, 0, 0x0a000001, java.util.List.of()),
                decode(frame(1, hex("04 fde9 0000 0a000001 00")), PLAIN));
    }

    @Test
    void anEnhancedRouteRefreshOfTheWrongLengthIsARouteRefreshMessageError() throws Exception {
        // RFC 7313 section 5: subtype 1 or 2 with a body other than 4 octets -> code 7 subcode 1, data the message.
        byte[] wire = frame(5, hex("0001 01 01 00"));
        ByteBuf partial = buf(java.util.Arrays.copyOf(wire, wire.length - 1));
        assertNull(BgpFraming.decode(partial, PLAIN), "waits for the whole message to send it back as data");
        BgpDecodeException e = refused(wire, PLAIN);
        assertEquals(7, e.code());
        assertEquals(1, e.subcode());
        assertArrayEquals(wire, e.data());
    }

    @Test
    void aRouteRefreshOfTheWrongLengthWaitsForItsSubtypeOctet() throws Exception {
        // Found by FramingPropertyTest: the subtype octet was read before it had arrived.
        byte[] wire = frame(24, 5, hex("00"));
        assertNull(BgpFraming.decode(buf(wire), PLAIN));
        assertError(refused(frame(24, 5, hex("0001 00")), PLAIN), 1, 2, "0018");
    }

    @Test
    void encodingRefusesAMessageLongerThanTheSessionAllows() {
        Open big = new Open(4, 65001, 90, 1, java.util.List.of(bigUnknown(), bigUnknown(), bigUnknown(),
                bigUnknown(), bigUnknown(), bigUnknown(), bigUnknown(), bigUnknown(), bigUnknown(),
                bigUnknown(), bigUnknown(), bigUnknown(), bigUnknown(), bigUnknown(), bigUnknown(),
                bigUnknown(), bigUnknown()));
        ByteBuf out = io.netty.buffer.Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> BgpFraming.encode(big, EXTENDED, out));
        assertEquals(0, out.writerIndex(), "nothing is left half written");
    }

    @Test
    void aNotificationTooLongForTheSessionHasItsDataCut() throws Exception {
        Notification n = new Notification(3, 1, new byte[5000]);
        byte[] wire = Frames.encode(n, PLAIN);
        assertEquals(4096, wire.length);
        assertEquals(4096 - 21, ((Notification) decode(wire, PLAIN)).data().length);
    }

    private static Capability bigUnknown() {
        return new Capability.Unknown(200, new byte[255]);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
