package dev.tabby.bgp.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tabby.bgp.rib.PathAttributes;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.BgpFraming;
import dev.tabby.bgp.wire.BgpMessage;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the Adj-RIB-Out sends: packed UPDATEs that decode back to the prefixes staged, End-of-RIB markers. */
class AdjRibOutTest {
    private static final Negotiated BOTH = new Negotiated(true, false,
            Set.of(AfiSafi.IPV4_UNICAST, AfiSafi.IPV6_UNICAST));

    private static PathAttributes attrs(String hop) throws Exception {
        return new PathAttributes(0, List.of(), InetAddress.getByName(hop), null, 100, List.of(), List.of(), null,
                List.of());
    }

    private static BgpMessage roundTrip(Update u) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        BgpFraming.encode(u, BOTH, buf);
        return BgpFraming.decode(buf, BOTH);
    }

    @Test
    void ipv6RoutesGoInMpReachWithTheirNextHop() throws Exception {
        AdjRibOut out = new AdjRibOut();
        out.stage(Prefix.parse("fd00:65::/122"), attrs("fd00::1"));
        List<Update> updates = out.drain(BOTH, true);
        assertEquals(1, updates.size());
        Update back = (Update) roundTrip(updates.get(0));
        PathAttribute.MpReach reach = back.attribute(PathAttribute.MpReach.class);
        assertNotNull(reach);
        assertEquals(List.of(Prefix.parse("fd00:65::/122")), reach.nlri());
        assertEquals(InetAddress.getByName("fd00::1"), reach.nextHops().get(0));
    }

    @Test
    void manyPrefixesArePackedIntoFewMessagesThatAllDecode() throws Exception {
        AdjRibOut out = new AdjRibOut();
        PathAttributes a = attrs("192.0.2.1");
        IntStream.range(0, 5000).forEach(i -> out.stage(Prefix.parse("10." + (i / 256) + "." + (i % 256) + ".0/24"), a));
        List<Update> updates = out.drain(BOTH, false);
        int total = 0;
        for (Update u : updates) {
            total += ((Update) roundTrip(u)).nlri().size();
        }
        assertEquals(5000, total);
        assertEquals(5, updates.size(), "about 1,000 /24s fit in 4,096 octets");
    }

    @Test
    void endOfRibIsRecognised() throws Exception {
        assertEquals(AfiSafi.IPV4_UNICAST,
                AdjRibOut.endOfRibFamily((Update) roundTrip(AdjRibOut.endOfRib(AfiSafi.IPV4_UNICAST))));
        assertEquals(AfiSafi.IPV6_UNICAST,
                AdjRibOut.endOfRibFamily((Update) roundTrip(AdjRibOut.endOfRib(AfiSafi.IPV6_UNICAST))));
        assertNull(AdjRibOut.endOfRibFamily(Update.of(List.of(Prefix.parse("10.0.0.0/8")), List.of(), List.of())));
    }

    @Test
    void stagingWhatWasSentIsNoChange() throws Exception {
        AdjRibOut out = new AdjRibOut();
        PathAttributes a = attrs("192.0.2.1");
        out.stage(Prefix.parse("10.0.0.0/8"), a);
        out.drain(BOTH, false);
        out.stage(Prefix.parse("10.0.0.0/8"), a);
        assertEquals(List.of(), out.drain(BOTH, false));
        out.stage(Prefix.parse("10.0.0.0/8"), null);
        Update w = out.drain(BOTH, false).get(0);
        assertEquals(List.of(Prefix.parse("10.0.0.0/8")), w.withdrawn());
        assertEquals(0, out.advertised());
    }
}
