package dev.tabby.bgp.rib;

import static dev.tabby.bgp.rib.Fixtures.attrs;
import static dev.tabby.bgp.rib.Fixtures.client;
import static dev.tabby.bgp.rib.Fixtures.ebgp;
import static dev.tabby.bgp.rib.Fixtures.ibgp;
import static dev.tabby.bgp.rib.Fixtures.route;
import static dev.tabby.bgp.rib.Fixtures.withId;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.PathAttribute.Origin;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 4271 9.1.2.2 and RFC 4456 9, step by step. Each pair differs in the attribute under test, and where possible
 * the loser is better on every later step, so the test fails if the step is missing or runs after a later one.
 */
class BestPathTest {
    private static final String P = "10.65.0.0/26";

    /** Both orders of the candidates must pick the same route. */
    private static void assertBest(Route expected, Route... candidates) {
        List<Route> forward = List.of(candidates);
        List<Route> backward = new ArrayList<>(forward);
        java.util.Collections.reverse(backward);
        assertSame(expected, BestPath.best(forward));
        assertSame(expected, BestPath.best(backward));
    }

    @Test
    void noCandidatesNoBest() {
        assertNull(BestPath.best(List.of()));
    }

    @Test
    void highestLocalPrefWinsOverShorterPathAndEbgp() {
        // RFC 4271 9.1.2.1: degree of preference is LOCAL_PREF, before every 9.1.2.2 tie-breaker.
        Route high = route(P, attrs().localPref(200).path(1L, 2L, 3L).origin(Origin.INCOMPLETE), ibgp("10.0.0.9"));
        Route low = route(P, attrs().localPref(100).path(1L), ebgp("10.0.0.2", 1));
        assertBest(high, high, low);
    }

    @Test
    void shortestAsPathWins() {
        // RFC 4271 9.1.2.2 a; the loser has the better ORIGIN, MED and router ID.
        Route shortPath = route(P, attrs().path(65001L).origin(Origin.INCOMPLETE).med(50),
                withId(ibgp("10.0.0.9"), "10.9.9.9"));
        Route longPath = route(P, attrs().path(65001L, 65002L), ibgp("10.0.0.2"));
        assertBest(shortPath, shortPath, longPath);
    }

    @Test
    void asSetCountsAsOne() {
        // RFC 4271 9.1.2.2 a: "an AS_SET counts as 1, no matter how many ASes are in the set".
        Route withSet = route(P, attrs().segments(AsPathSegment.set(1L, 2L, 3L, 4L)), ibgp("10.0.0.9"));
        Route twoHops = route(P, attrs().path(1L, 2L), ibgp("10.0.0.2"));
        assertBest(withSet, withSet, twoHops);
    }

    @Test
    void lowestOriginWins() {
        // RFC 4271 9.1.2.2 b: IGP < EGP < INCOMPLETE; loser has lower MED and lower router ID.
        Route igp = route(P, attrs().path(65001L).origin(Origin.IGP).med(100), ibgp("10.0.0.9"));
        Route egp = route(P, attrs().path(65001L).origin(Origin.EGP).med(0), ibgp("10.0.0.2"));
        Route incomplete = route(P, attrs().path(65001L).origin(Origin.INCOMPLETE), ibgp("10.0.0.3"));
        assertBest(igp, igp, egp, incomplete);
        assertBest(egp, egp, incomplete);
    }

    @Test
    void lowestMedWinsAmongSameNeighbourAs() {
        // RFC 4271 9.1.2.2 c; the loser is eBGP and has the lower router ID.
        Route lowMed = route(P, attrs().path(65001L).med(10), ibgp("10.0.0.9"));
        Route highMed = route(P, attrs().path(65001L).med(20), ebgp("10.0.0.2", 65001));
        assertBest(lowMed, lowMed, highMed);
    }

    @Test
    void missingMedCountsAsZero() {
        // RFC 4271 9.1.2.2 c: "If a MULTI_EXIT_DISC attribute is removed ... treated as the lowest value".
        Route noMed = route(P, attrs().path(65001L), ibgp("10.0.0.9"));
        Route med5 = route(P, attrs().path(65001L).med(5), ibgp("10.0.0.2"));
        assertBest(noMed, noMed, med5);
    }

    @Test
    void medIsNotComparedAcrossNeighbourAses() {
        // RFC 4271 9.1.2.2 c (BIRD "med metric off"): different neighbour ASes, MED ignored; router ID decides.
        Route highMedLowId = route(P, attrs().path(65001L).med(1000), ibgp("10.0.0.2"));
        Route lowMedHighId = route(P, attrs().path(65002L).med(1), ibgp("10.0.0.9"));
        assertBest(highMedLowId, highMedLowId, lowMedHighId);
    }

    @Test
    void medEliminationDoesNotDependOnOrder() {
        // The classic non-transitive triple: A(AS1, MED 10) beats C(AS1, MED 20) by MED; B (AS2) beats both by
        // router ID when MED is not comparable. RFC 4271's elimination removes C first, then B wins over A.
        Route a = route(P, attrs().path(1L).med(10), ibgp("10.0.0.5"));
        Route b = route(P, attrs().path(2L).med(50), ibgp("10.0.0.3"));
        Route c = route(P, attrs().path(1L).med(20), ibgp("10.0.0.1"));
        List<List<Route>> orders = List.of(List.of(a, b, c), List.of(a, c, b), List.of(b, a, c), List.of(b, c, a),
                List.of(c, a, b), List.of(c, b, a));
        for (List<Route> order : orders) {
            assertSame(b, BestPath.best(order), "order " + order);
        }
    }

    @Test
    void ebgpWinsOverIbgp() {
        // RFC 4271 9.1.2.2 d; the iBGP loser has the lower router ID and address.
        Route external = route(P, attrs().path(65001L), ebgp("10.0.0.9", 65001));
        Route internal = route(P, attrs().path(65001L), ibgp("10.0.0.2"));
        assertBest(external, external, internal);
    }

    @Test
    void lowestRouterIdWins() {
        // RFC 4271 9.1.2.2 f; the loser has the lower peer address.
        Route lowId = route(P, attrs(), withId(ibgp("10.0.0.9"), "1.1.1.1"));
        Route highId = route(P, attrs(), withId(ibgp("10.0.0.2"), "2.2.2.2"));
        assertBest(lowId, lowId, highId);
    }

    @Test
    void routerIdComparesUnsigned() {
        Route low = route(P, attrs(), withId(ibgp("10.0.0.9"), "127.0.0.1"));
        Route high = route(P, attrs(), withId(ibgp("10.0.0.2"), "200.0.0.1"));
        assertBest(low, low, high);
    }

    @Test
    void originatorIdStandsInForRouterId() {
        // RFC 4456 9: ORIGINATOR_ID is used as the BGP identifier when present. Peer IDs say the other way round.
        Route originatedLow = route(P, attrs().originator("1.1.1.1").clusters("10.0.0.50"),
                withId(client("10.0.0.9"), "9.9.9.9"));
        Route plain = route(P, attrs(), withId(ibgp("10.0.0.2"), "5.5.5.5"));
        assertBest(originatedLow, originatedLow, plain);
    }

    @Test
    void shorterClusterListWins() {
        // RFC 4456 9: same originator, different reflection depth; the loser has the lower peer address.
        Route short1 = route(P, attrs().originator("1.1.1.1").clusters("10.0.0.50"), client("10.0.0.9"));
        Route long2 = route(P, attrs().originator("1.1.1.1").clusters("10.0.0.51", "10.0.0.50"), client("10.0.0.2"));
        assertBest(short1, short1, long2);
    }

    @Test
    void lowestPeerAddressBreaksTheLastTie() {
        // RFC 4271 9.1.2.2 g: same router ID (one speaker over two sessions), same everything else.
        Route lower = route(P, attrs(), withId(ibgp("10.0.0.2"), "7.7.7.7"));
        Route higher = route(P, attrs(), withId(ibgp("10.0.0.10"), "7.7.7.7"));
        assertBest(lower, lower, higher);
    }

    @Test
    void ipv4PeerAddressSortsBeforeIpv6() {
        Route v4 = route(P, attrs(), new Peer(Fixtures.ip("10.0.0.200"), 64512, Fixtures.v4("7.7.7.7"), true,
                false));
        Route v6 = route(P, attrs(), new Peer(Fixtures.ip("::1"), 64512, Fixtures.v4("7.7.7.7"), true, false));
        assertBest(v4, v4, v6);
    }
}
