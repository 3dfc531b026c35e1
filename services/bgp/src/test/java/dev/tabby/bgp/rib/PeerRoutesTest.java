package dev.tabby.bgp.rib;

import static dev.tabby.bgp.rib.Fixtures.FOUR_OCTET;
import static dev.tabby.bgp.rib.Fixtures.SELF;
import static dev.tabby.bgp.rib.Fixtures.client;
import static dev.tabby.bgp.rib.Fixtures.ebgp;
import static dev.tabby.bgp.rib.Fixtures.ibgp;
import static dev.tabby.bgp.rib.Fixtures.ip;
import static dev.tabby.bgp.rib.Fixtures.prefixes;
import static dev.tabby.bgp.rib.Fixtures.v4;
import static dev.tabby.bgp.rib.Fixtures.v4Attributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.AttributeError;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Adj-RIB-In of one peer (RFC 4271 3.2, 9.1): UPDATE in, changed prefixes out. */
class PeerRoutesTest {
    private final AttributeInterner interner = new AttributeInterner();

    private PeerRoutes rib(Peer peer) {
        return new PeerRoutes(peer, SELF, FOUR_OCTET, interner);
    }

    private static Update announce(List<PathAttribute> attributes, String... nlri) {
        return Update.of(List.of(), attributes, prefixes(nlri));
    }

    @Test
    void ipv4AnnounceAndWithdraw() {
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        Set<Prefix> changed = rib.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.0.0/26",
                "10.65.1.0/26"));
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26", "10.65.1.0/26")), changed);
        assertEquals(ip("10.0.0.2"), rib.route(Prefix.parse("10.65.0.0/26")).attributes().nextHop());

        changed = rib.apply(Update.of(prefixes("10.65.0.0/26", "10.99.0.0/16"), List.of(), List.of()));
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26")), changed, "withdrawing an unknown prefix changes nothing");
        assertNull(rib.route(Prefix.parse("10.65.0.0/26")));
        assertEquals(1, rib.size());
    }

    @Test
    void reannouncingTheSamePathChangesNothingButANewPathDoes() {
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        rib.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.0.0/26"));
        assertTrue(rib.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.0.0/26")).isEmpty());
        Set<Prefix> changed = rib.apply(announce(v4Attributes("10.0.0.2", List.of(),
                new PathAttribute.MultiExitDisc(7)), "10.65.0.0/26"));
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26")), changed, "implicit withdraw: new path replaces old");
        assertEquals(7L, rib.route(Prefix.parse("10.65.0.0/26")).attributes().med());
    }

    @Test
    void mpReachAndUnreachForBothFamilies() {
        // RFC 4760 3 and 4: the next hop of MP_REACH_NLRI applies to its NLRI, not NEXT_HOP.
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        List<PathAttribute> attributes = new ArrayList<>(v4Attributes("10.0.0.2", List.of()));
        attributes.add(new PathAttribute.MpReach(AfiSafi.IPV6_UNICAST, List.of(ip("fd00::2"), ip("fe80::2")),
                prefixes("fd00:10:65::/122")));
        Set<Prefix> changed = rib.apply(Update.of(List.of(), attributes, prefixes("10.65.0.0/26")));
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26", "fd00:10:65::/122")), changed);
        assertEquals(ip("fd00::2"), rib.route(Prefix.parse("fd00:10:65::/122")).attributes().nextHop());
        assertEquals(ip("10.0.0.2"), rib.route(Prefix.parse("10.65.0.0/26")).attributes().nextHop());

        List<PathAttribute> v4Reach = List.of(new PathAttribute.Origin(0), new PathAttribute.AsPath(List.of()),
                new PathAttribute.MpReach(AfiSafi.IPV4_UNICAST, List.of(ip("10.0.0.7")), prefixes("10.66.0.0/26")));
        rib.apply(Update.of(List.of(), v4Reach, List.of()));
        assertEquals(ip("10.0.0.7"), rib.route(Prefix.parse("10.66.0.0/26")).attributes().nextHop());

        changed = rib.apply(Update.of(List.of(), List.of(
                new PathAttribute.MpUnreach(AfiSafi.IPV6_UNICAST, prefixes("fd00:10:65::/122")),
                new PathAttribute.MpUnreach(AfiSafi.IPV4_UNICAST, prefixes("10.99.0.0/16"))), List.of()));
        assertEquals(Set.copyOf(prefixes("fd00:10:65::/122")), changed);
        assertEquals(2, rib.size());
    }

    @Test
    void treatAsWithdrawWithdrawsEveryAnnouncedPrefix() {
        // RFC 7606 2: routes of an UPDATE under treat-as-withdraw are handled as withdrawn, both NLRI places.
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        List<PathAttribute> attributes = new ArrayList<>(v4Attributes("10.0.0.2", List.of()));
        attributes.add(new PathAttribute.MpReach(AfiSafi.IPV6_UNICAST, List.of(ip("fd00::2")),
                prefixes("fd00:10:65::/122")));
        rib.apply(Update.of(List.of(), attributes, prefixes("10.65.0.0/26")));
        assertEquals(2, rib.size());

        Update broken = new Update(List.of(), attributes, prefixes("10.65.0.0/26", "10.65.9.0/26"),
                List.of(new AttributeError(4, AttributeError.Action.TREAT_AS_WITHDRAW, "MED length 3")));
        Set<Prefix> changed = rib.apply(broken);
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26", "fd00:10:65::/122")), changed);
        assertEquals(0, rib.size(), "no route of a treat-as-withdraw UPDATE may be installed");
    }

    @Test
    void attributeDiscardStillInstalls() {
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        Update discarded = new Update(List.of(), v4Attributes("10.0.0.2", List.of()), prefixes("10.65.0.0/26"),
                List.of(new AttributeError(6, AttributeError.Action.ATTRIBUTE_DISCARD, "ATOMIC_AGGREGATE length")));
        assertEquals(1, rib.apply(discarded).size());
    }

    @Test
    void ebgpLocalPrefIsIgnoredIbgpKept() {
        // RFC 4271 5.1.5: LOCAL_PREF from an external peer is ignored; BIRD's default of 100 applies.
        PeerRoutes external = rib(ebgp("10.0.0.3", 65001));
        external.apply(announce(v4Attributes("10.0.0.3", List.of(65001L), new PathAttribute.LocalPref(500)),
                "10.65.0.0/26"));
        assertEquals(100, external.route(Prefix.parse("10.65.0.0/26")).attributes().localPref());

        PeerRoutes internal = rib(ibgp("10.0.0.2"));
        internal.apply(announce(v4Attributes("10.0.0.2", List.of(), new PathAttribute.LocalPref(500)),
                "10.65.0.0/26"));
        assertEquals(500, internal.route(Prefix.parse("10.65.0.0/26")).attributes().localPref());
        internal.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.1.0/26"));
        assertEquals(100, internal.route(Prefix.parse("10.65.1.0/26")).attributes().localPref());
    }

    @Test
    void prefixesWithTheSamePathShareOneAttributeSet() {
        PeerRoutes a = rib(ibgp("10.0.0.2"));
        a.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.0.0/26"));
        a.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.1.0/26"));
        assertSame(a.route(Prefix.parse("10.65.0.0/26")).attributes(),
                a.route(Prefix.parse("10.65.1.0/26")).attributes(), "two UPDATEs, one path: one instance");
    }

    @Test
    void hostBitsAreIgnoredInTheKey() {
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        rib.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.0.7/26"));
        assertNotNull(rib.route(Prefix.parse("10.65.0.0/26")));
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26")),
                rib.apply(Update.of(prefixes("10.65.0.0/26"), List.of(), List.of())));
    }

    @Test
    void asPathLoopIsDroppedAndWithdrawsThePreviousRoute() {
        // RFC 4271 9.1.2: a route whose AS_PATH holds our AS is excluded; BIRD handles it as a withdraw.
        PeerRoutes rib = rib(ebgp("10.0.0.3", 65001));
        rib.apply(announce(v4Attributes("10.0.0.3", List.of(65001L)), "10.65.0.0/26"));
        Set<Prefix> changed = rib.apply(announce(v4Attributes("10.0.0.3", List.of(65001L, Fixtures.OUR_AS)),
                "10.65.0.0/26", "10.65.1.0/26"));
        assertEquals(Set.copyOf(prefixes("10.65.0.0/26")), changed);
        assertEquals(0, rib.size());
    }

    @Test
    void originatorIdOfOursIsDropped() {
        // RFC 4456 8: "a router that recognizes the ORIGINATOR_ID attribute SHOULD ignore a route received with
        // its BGP Identifier as the ORIGINATOR_ID".
        PeerRoutes rib = rib(client("10.0.0.2"));
        assertTrue(rib.apply(announce(v4Attributes("10.0.0.2", List.of(),
                new PathAttribute.OriginatorId(SELF.routerId())), "10.65.0.0/26")).isEmpty());
        rib.apply(announce(v4Attributes("10.0.0.2", List.of(), new PathAttribute.OriginatorId(v4("10.0.0.77"))),
                "10.65.0.0/26"));
        assertEquals(1, rib.size(), "another speaker's ORIGINATOR_ID passes");
    }

    @Test
    void ourClusterIdInClusterListIsDropped() {
        // RFC 4456 8: "If the local CLUSTER_ID is found in the CLUSTER_LIST, the advertisement received SHOULD be
        // ignored."
        LocalSpeaker reflector = new LocalSpeaker(Fixtures.OUR_AS, v4("10.0.0.1"), v4("244.0.0.1"));
        PeerRoutes rib = new PeerRoutes(ibgp("10.0.0.2"), reflector, FOUR_OCTET, interner);
        assertTrue(rib.apply(announce(v4Attributes("10.0.0.2", List.of(),
                new PathAttribute.ClusterList(List.of(v4("244.0.0.9"), v4("244.0.0.1")))), "10.65.0.0/26"))
                .isEmpty());
        rib.apply(announce(v4Attributes("10.0.0.2", List.of(),
                new PathAttribute.ClusterList(List.of(v4("244.0.0.9")))), "10.65.0.0/26"));
        assertEquals(1, rib.size(), "a CLUSTER_LIST without our cluster ID passes");
    }

    @Test
    void clusterIdDefaultsToRouterId() {
        assertEquals(v4("10.0.0.1"), new LocalSpeaker(1, v4("10.0.0.1"), null).clusterId());
    }

    @Test
    void clearWithdrawsEverything() {
        PeerRoutes rib = rib(ibgp("10.0.0.2"));
        rib.apply(announce(v4Attributes("10.0.0.2", List.of()), "10.65.0.0/26", "10.65.1.0/26"));
        assertEquals(2, rib.clear().size());
        assertEquals(0, rib.size());
    }
}
