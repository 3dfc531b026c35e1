package dev.tabby.bgp.rib;

import static dev.tabby.bgp.rib.Fixtures.FOUR_OCTET;
import static dev.tabby.bgp.rib.Fixtures.SELF;
import static dev.tabby.bgp.rib.Fixtures.ebgp;
import static dev.tabby.bgp.rib.Fixtures.ibgp;
import static dev.tabby.bgp.rib.Fixtures.ip;
import static dev.tabby.bgp.rib.Fixtures.prefixes;
import static dev.tabby.bgp.rib.Fixtures.v4Attributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loc-RIB (RFC 4271 3.2, 9.1.2): incremental best-path changes per prefix. */
class LocRibTest {
    private static final Prefix P = Prefix.parse("10.65.0.0/26");
    private final AttributeInterner interner = new AttributeInterner();
    private final LocRib loc = new LocRib();

    private PeerRoutes peer(Peer p) {
        return new PeerRoutes(p, SELF, FOUR_OCTET, interner);
    }

    private List<BestChange> feed(PeerRoutes from, Update update) {
        return loc.update(from, from.apply(update));
    }

    private static Update announce(String nextHop, List<Long> path, long med, String... nlri) {
        return Update.of(List.of(), v4Attributes(nextHop, path, new PathAttribute.MultiExitDisc(med)),
                prefixes(nlri));
    }

    private static Update withdraw(String... cidrs) {
        return Update.of(prefixes(cidrs), List.of(), List.of());
    }

    @Test
    void withdrawalsMoveTheBestThenRemoveIt() {
        PeerRoutes a = peer(ebgp("10.0.0.2", 65001));
        PeerRoutes b = peer(ebgp("10.0.0.3", 65001));

        List<BestChange> changes = feed(a, announce("10.0.0.2", List.of(65001L), 10, "10.65.0.0/26"));
        assertEquals(1, changes.size());
        assertNull(changes.get(0).before());
        assertEquals(ip("10.0.0.2"), changes.get(0).after().peer().address());

        changes = feed(b, announce("10.0.0.3", List.of(65001L), 20, "10.65.0.0/26"));
        assertTrue(changes.isEmpty(), "a worse candidate (higher MED, RFC 4271 9.1.2.2 c) changes no best");
        assertEquals(2, loc.candidates(P).size());

        changes = feed(a, withdraw("10.65.0.0/26"));
        assertEquals(1, changes.size());
        assertEquals(ip("10.0.0.2"), changes.get(0).before().peer().address());
        assertEquals(ip("10.0.0.3"), changes.get(0).after().peer().address());

        changes = feed(b, withdraw("10.65.0.0/26"));
        assertEquals(1, changes.size());
        assertTrue(changes.get(0).gone());
        assertNull(loc.best(P));
        assertTrue(loc.candidates(P).isEmpty());
    }

    @Test
    void aBetterRouteTakesOverAndAChangedBestIsReported() {
        PeerRoutes a = peer(ebgp("10.0.0.2", 65001));
        PeerRoutes b = peer(ebgp("10.0.0.3", 65001));
        feed(a, announce("10.0.0.2", List.of(65001L), 10, "10.65.0.0/26"));
        List<BestChange> changes = feed(b, announce("10.0.0.3", List.of(65001L), 5, "10.65.0.0/26"));
        assertEquals(ip("10.0.0.3"), changes.get(0).after().peer().address());

        changes = feed(b, announce("10.0.0.3", List.of(65001L), 6, "10.65.0.0/26"));
        assertEquals(1, changes.size(), "the best's own attributes changed: Adj-RIB-Out must resend");
        assertEquals(6L, changes.get(0).after().attributes().med());
    }

    @Test
    void sessionDownWithdrawsThroughLocRib() {
        PeerRoutes a = peer(ibgp("10.0.0.2"));
        feed(a, announce("10.0.0.2", List.of(), 0, "10.65.0.0/26", "10.65.1.0/26"));
        List<BestChange> changes = loc.update(a, a.clear());
        assertEquals(2, changes.size());
        assertTrue(changes.stream().allMatch(BestChange::gone));
        assertEquals(0, loc.size());
    }

    @Test
    void hundredThousandPrefixesApplyAndWithdrawToEmpty() throws UnknownHostException {
        // Functional, not timed: two peers, 100,000 /32s each in UPDATEs of 500 prefixes, one path per peer.
        PeerRoutes a = peer(ebgp("10.0.0.2", 65001));
        PeerRoutes b = peer(ebgp("10.0.0.3", 65002));
        List<List<Prefix>> batches = new ArrayList<>();
        List<Prefix> batch = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] addr = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            batch.add(new Prefix((Inet4Address) InetAddress.getByAddress(addr), 32));
            if (batch.size() == 500) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        int newBest = 0;
        for (List<Prefix> nlri : batches) {
            newBest += loc.update(a, a.apply(Update.of(List.of(),
                    v4Attributes("10.0.0.2", List.of(65001L, 65010L)), nlri))).size();
            // b's path is shorter: every prefix's best moves to b.
            newBest += loc.update(b, b.apply(Update.of(List.of(), v4Attributes("10.0.0.3", List.of(65002L)), nlri)))
                    .size();
        }
        assertEquals(200_000, newBest);
        assertEquals(100_000, loc.size());
        IdentityHashMap<PathAttributes, Boolean> distinct = new IdentityHashMap<>();
        for (Route r : loc.bestRoutes().values()) {
            distinct.put(r.attributes(), true);
            assertEquals(ip("10.0.0.3"), r.peer().address());
        }
        assertEquals(1, distinct.size(), "100,000 best routes from one path share one attribute set");
        assertSame(a.route(batches.get(0).get(0)).attributes(), a.route(batches.get(199).get(499)).attributes());

        int gone = 0;
        for (List<Prefix> withdrawn : batches) {
            loc.update(b, b.apply(Update.of(withdrawn, List.of(), List.of())));
            for (BestChange c : loc.update(a, a.apply(Update.of(withdrawn, List.of(), List.of())))) {
                gone += c.gone() ? 1 : 0;
            }
        }
        assertEquals(100_000, gone);
        assertEquals(0, loc.size());
        assertEquals(0, a.size());
        assertEquals(0, b.size());
        assertTrue(loc.candidates(batches.get(0).get(0)).isEmpty());
    }
}
