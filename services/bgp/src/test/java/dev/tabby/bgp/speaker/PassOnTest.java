package dev.tabby.bgp.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.rib.AttributeInterner;
import dev.tabby.bgp.rib.LocalSpeaker;
import dev.tabby.bgp.rib.PathAttributes;
import dev.tabby.bgp.rib.Peer;
import dev.tabby.bgp.rib.PeerRoutes;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * RFC 4271 section 5: an unrecognised optional transitive attribute is passed on with the Partial bit set; an
 * unrecognised optional non-transitive one is dropped. From the UPDATE received to the attributes sent on.
 */
class PassOnTest {
    @Test
    void unknownTransitiveGoesOnWithPartialBitAndNonTransitiveIsDropped() throws Exception {
        Inet4Address peerId = (Inet4Address) InetAddress.getByName("192.0.2.2");
        Peer from = new Peer(InetAddress.getByName("192.0.2.2"), 65002, peerId, false, false);
        LocalSpeaker self = new LocalSpeaker(65001, (Inet4Address) InetAddress.getByName("192.0.2.1"), null);
        Negotiated n = new Negotiated(true, false, Set.of(AfiSafi.IPV4_UNICAST));
        PeerRoutes routes = new PeerRoutes(from, self, n, new AttributeInterner());
        byte[] value = {1, 2, 3};
        routes.apply(Update.of(List.of(), List.of(new PathAttribute.Origin(0),
                new PathAttribute.AsPath(List.of(AsPathSegment.sequence(65002L))),
                new PathAttribute.NextHop((Inet4Address) InetAddress.getByName("192.0.2.2")),
                new PathAttribute.Unknown(0xC0, 99, value), new PathAttribute.Unknown(0x80, 98, value)),
                List.of(Prefix.parse("10.0.0.0/8"))));
        PathAttributes a = routes.route(Prefix.parse("10.0.0.0/8")).attributes();
        assertEquals(List.of(new PathAttribute.Unknown(0xE0, 99, value)), a.passedOn(),
                "optional transitive kept with Partial (0x20) set; optional non-transitive dropped");
        PathAttributes sent = OutboundAttributes.finish(a, false, false, 65001, false,
                InetAddress.getByName("192.0.2.1"));
        List<PathAttribute> wire = OutboundAttributes.wire(sent, AfiSafi.IPV4_UNICAST, false);
        assertTrue(wire.contains(new PathAttribute.Unknown(0xE0, 99, value)), wire.toString());
        assertEquals("65001 65002", BgpSpeaker.asPathText(sent.asPath()));
    }
}
