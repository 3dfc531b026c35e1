package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.Frames.decode;
import static dev.tabby.bgp.wire.Frames.frame;
import static dev.tabby.bgp.wire.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ROUTE-REFRESH (RFC 2918 section 3) with RFC 7313's Message Subtype. */
class RouteRefreshTest {
    private static final Negotiated N = Negotiated.BEFORE_OPEN;

    @Test
    void eachSubtypeRoundTrips() throws Exception {
        for (int subtype : new int[] {0, 1, 2}) {
            RouteRefresh rr = RouteRefresh.of(AfiSafi.IPV6_UNICAST, subtype);
            byte[] wire = Frames.encode(rr, N);
            assertArrayEquals(frame(5, hex(String.format("0002 %02x 01", subtype))), wire);
            RouteRefresh back = (RouteRefresh) decode(wire, N);
            assertEquals(rr, back);
            assertEquals(AfiSafi.IPV6_UNICAST, back.family());
            assertTrue(back.knownSubtype());
        }
    }

    @Test
    void anUnknownSubtypeDecodesForTheSessionToIgnore() throws Exception {
        RouteRefresh rr = (RouteRefresh) decode(frame(5, hex("0001 ff 01")), N);
        assertEquals(255, rr.subtype());
        assertFalse(rr.knownSubtype());
    }
}
