package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.Frames.decode;
import static dev.tabby.bgp.wire.Frames.frame;
import static dev.tabby.bgp.wire.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NOTIFICATION (RFC 4271 section 4.5), code names (RFC 4271, 4486, 6608, 7313), RFC 9003 communications. */
class NotificationTest {
    private static final Negotiated N = Negotiated.BEFORE_OPEN;

    @Test
    void decodesCodeSubcodeAndData() throws Exception {
        Notification n = (Notification) decode(frame(3, hex("0202 fde8")), N);
        assertEquals(new Notification(2, 2, hex("fde8")), n);
        assertEquals("OPEN Message Error", n.codeName());
        assertEquals("Bad Peer AS", n.subcodeName());
    }

    @Test
    void unknownCodesAndSubcodesDecode() throws Exception {
        Notification n = (Notification) decode(frame(3, hex("c8 63 0102")), N);
        assertEquals(200, n.code());
        assertEquals(99, n.subcode());
        assertEquals("code 200", n.codeName());
        assertEquals("subcode 99", n.subcodeName());
        assertEquals(Notification.subcodeName(6, 99), "subcode 99");
    }

    @Test
    void namesFromEachRfc() {
        assertEquals("Connection Not Synchronized", Notification.subcodeName(1, 1));
        assertEquals("Unacceptable Hold Time", Notification.subcodeName(2, 6));
        assertEquals("Malformed AS_PATH", Notification.subcodeName(3, 11));
        assertEquals("Hold Timer Expired", Notification.codeName(4));
        assertEquals("Receive Unexpected Message in Established State", Notification.subcodeName(5, 3));
        assertEquals("Connection Collision Resolution", Notification.subcodeName(6, 7));
        assertEquals("Invalid Message Length", Notification.subcodeName(7, 1));
    }

    @Test
    void aShutdownCommunicationIsReadAsUtf8() throws Exception {
        String text = "maintenance — back at 21:00 ☕";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[3 + utf8.length];
        body[0] = 6;
        body[1] = 2;
        body[2] = (byte) utf8.length;
        System.arraycopy(utf8, 0, body, 3, utf8.length);
        Notification n = (Notification) decode(frame(3, body), N);
        assertEquals(Optional.of(text), n.shutdownCommunication());
        assertEquals(n, Notification.cease(2, text));
        assertTrue(n.toString().contains("communication=\"" + text + "\""), n.toString());
        assertEquals(Optional.of("reset"), Notification.cease(4, "reset").shutdownCommunication());
    }

    @Test
    void aMalformedShutdownCommunicationDecodesWithoutText() throws Exception {
        // Length past the data, invalid UTF-8, length 0, and a communication on another Cease subcode.
        for (String body : new String[] {"0602 05 6869", "0602 02 c328", "0602 00", "0603 02 6869"}) {
            Notification n = (Notification) decode(frame(3, hex(body)), N);
            assertEquals(Optional.empty(), n.shutdownCommunication(), body);
        }
    }

    @Test
    void aShutdownCommunicationOver255OctetsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Notification.cease(2, "é".repeat(128)));
        assertEquals(256, Notification.cease(2, "a".repeat(255)).data().length);
    }

    @Test
    void roundTripsAndCarriesADecodeException() throws Exception {
        BgpDecodeException e = new BgpDecodeException(1, 2, hex("1001"), "too long");
        Notification n = Notification.of(e);
        byte[] wire = Frames.encode(n, N);
        assertArrayEquals(frame(3, hex("0102 1001")), wire);
        assertEquals(n, decode(wire, N));
    }
}
