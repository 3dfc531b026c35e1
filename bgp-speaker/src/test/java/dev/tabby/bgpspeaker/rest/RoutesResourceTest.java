package dev.tabby.bgpspeaker.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.speaker.RouteView;
import dev.tabby.bgp.wire.AfiSafi;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resource's own logic, called as a plain object: what it asks the speaker, and that a refusal changes nothing. */
class RoutesResourceTest {
    final FakeSpeaker speaker = new FakeSpeaker();
    final RoutesResource resource = new RoutesResource();

    RoutesResourceTest() {
        resource.speaker = speaker;
    }

    @Test
    void postOriginatesEveryPrefixOfTheBody() {
        RoutesResource.Change c = resource.originate("ipv4", "10.0.0.0/26\n10.0.0.64/26\n");

        assertEquals(new RoutesResource.Change("ipv4", "originated", List.of("10.0.0.0/26", "10.0.0.64/26")), c);
        assertEquals(List.of("10.0.0.0/26", "10.0.0.64/26"), RouteRequest.text(speaker.originated));
    }

    @Test
    void deleteWithdrawsEveryPrefixOfTheBody() {
        RoutesResource.Change c = resource.withdraw("ipv6", "fd00:1::/64");

        assertEquals(new RoutesResource.Change("ipv6", "withdrawn", List.of("fd00:1::/64")), c);
        assertEquals(List.of("fd00:1::/64"), RouteRequest.text(speaker.withdrawn));
    }

    @Test
    void oneBadLineAndNothingIsOriginatedOrWithdrawn() {
        assertThrows(InvalidRequest.class, () -> resource.originate("ipv4", "10.0.0.0/26\n10.0.0.999/26\n"));
        assertThrows(InvalidRequest.class, () -> resource.withdraw("ipv4", "10.0.0.0/26\nfd00::/64\n"));
        assertThrows(InvalidRequest.class, () -> resource.originate(null, "10.0.0.0/26"));

        assertEquals(List.of(), speaker.originated);
        assertEquals(List.of(), speaker.withdrawn);
    }

    @Test
    void getAsksForTheFamilyAndThePeer() {
        speaker.routes.add(new RouteView("10.0.0.0/26", "10.0.0.2", "64512", List.of("64512:100"), true, "10.0.0.2"));

        RoutesResource.Routes all = resource.routes("ipv4", null);
        resource.routes("ipv4", "10.0.0.2");

        assertEquals("ipv4", all.afi());
        assertEquals(1, all.routes().size());
        assertEquals(List.of("IPV4_UNICAST all", "IPV4_UNICAST 10.0.0.2"), speaker.asked);
    }

    @Test
    void aBadPeerIsRefusedBeforeTheSpeakerIsAsked() {
        assertThrows(InvalidRequest.class, () -> resource.routes("ipv4", "10.0.0.2/32"));
        assertEquals(List.of(), speaker.asked);
    }

    @Test
    void countIsTheSpeakersCountOfTheFamily() {
        speaker.counts.put(AfiSafi.IPV6_UNICAST, 7);

        assertEquals(new RoutesResource.Count("ipv6", 7), resource.count("ipv6"));
    }

    @Test
    void aRefusalIsA400WithItsOneLineAsTextPlain() {
        Response r = resource.refused(new InvalidRequest("afi is missing: add afi=ipv4 or afi=ipv6 to the query"));

        assertEquals(400, r.getStatus());
        assertEquals(MediaType.TEXT_PLAIN_TYPE, r.getMediaType());
        assertEquals("afi is missing: add afi=ipv4 or afi=ipv6 to the query\n", r.getEntity());
        assertTrue(((String) r.getEntity()).indexOf('\n') == ((String) r.getEntity()).length() - 1);
    }
}
