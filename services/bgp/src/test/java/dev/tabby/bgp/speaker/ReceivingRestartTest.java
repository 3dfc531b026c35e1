package dev.tabby.bgp.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Open;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The speaker as the receiving side of graceful restart (RFC 4724 section 4.2), and its answers to peers that
 * misbehave, against a {@link RawPeer} on loopback.
 */
class ReceivingRestartTest {
    private BgpSpeaker speaker;
    /** What the speaker reported through {@link SpeakerEvents}, one line each. */
    private final List<String> reported = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final SpeakerEvents recorder = new SpeakerEvents() {
        @Override
        public void peerStateChanged(String peer, String address, SessionState from, SessionState to, String reason) {
            reported.add("state " + peer + " " + address + " " + from + " -> " + to + " " + reason);
        }

        @Override
        public void prefixLimitHit(String peer, String address, int limit, int received) {
            reported.add("prefix-limit " + peer + " " + address + " " + limit + " " + received);
        }

        @Override
        public void malformedMessage(String peer, String address, int code, int subcode, String problem) {
            reported.add("malformed " + peer + " " + address + " " + code + "/" + subcode + " " + problem);
        }
    };

    @AfterEach
    void stop() {
        if (speaker != null) {
            speaker.close();
        }
    }

    private void start(Integer maxPrefixes) throws Exception {
        InetAddress self = InetAddress.getByName("127.0.0.1");
        speaker = new BgpSpeaker(SpeakerSettings.of((Inet4Address) self, 65001).withListen(self, 0),
                RouteSink.NONE, SocketSetup.NONE, recorder).start();
        speaker.configure(List.of(new PeerConfig("Node_127_0_0_5", InetAddress.getByName("127.0.0.5"), 179, 65005,
                65001, true, false, false, self, Set.of(AfiSafi.IPV4_UNICAST), 90, Duration.ofSeconds(5), null, null,
                maxPrefixes, true)));
    }

    private RawPeer connect() throws Exception {
        return new RawPeer("127.0.0.5", "127.0.0.1", speaker.listenPort());
    }

    private List<String> prefixes() {
        return speaker.routes(AfiSafi.IPV4_UNICAST, null).stream().map(RouteView::prefix).sorted().toList();
    }

    @Test
    void routesOfAPeerThatVanishesAreKeptUntilItsEndOfRibAndOnlyTheOnesItStillHasRemain() throws Exception {
        start(null);
        RawPeer first = connect();
        first.open(65005, "127.0.0.5", 120, true);
        first.establish();
        first.announce(65005, "127.0.0.5", "10.5.1.0/24", "10.5.2.0/24");
        first.endOfRib();
        SpeakerPairTest.await("both routes learned", () -> prefixes().size() == 2);

        first.reset();
        SpeakerPairTest.await("the session is down", () -> speaker.peers().get(0).state() != SessionState.ESTABLISHED);
        assertEquals(List.of("10.5.1.0/24", "10.5.2.0/24"), prefixes(), "stale routes are kept while it restarts");

        try (RawPeer second = connect()) {
            second.open(65005, "127.0.0.5", 120, true);
            second.establish();
            second.announce(65005, "127.0.0.5", "10.5.1.0/24");
            Thread.sleep(300);
            assertEquals(List.of("10.5.1.0/24", "10.5.2.0/24"), prefixes(), "nothing is purged before End-of-RIB");
            second.endOfRib();
            SpeakerPairTest.await("the route not re-announced is purged", () -> prefixes().size() == 1);
            assertEquals(List.of("10.5.1.0/24"), prefixes());
        }
    }

    @Test
    void withoutTheForwardingBitTheStaleRoutesGoAtOnce() throws Exception {
        start(null);
        RawPeer first = connect();
        first.open(65005, "127.0.0.5", 120, true);
        first.establish();
        first.announce(65005, "127.0.0.5", "10.5.1.0/24");
        SpeakerPairTest.await("route learned", () -> prefixes().size() == 1);
        first.reset();
        SpeakerPairTest.await("the session is down", () -> speaker.peers().get(0).state() != SessionState.ESTABLISHED);
        try (RawPeer second = connect()) {
            second.open(65005, "127.0.0.5", 120, false);
            second.establish();
            SpeakerPairTest.await("stale routes dropped: the peer kept no forwarding state", () -> prefixes().isEmpty());
        }
    }

    @Test
    void aPeerWithoutGracefulRestartLosesItsRoutesWhenItVanishes() throws Exception {
        start(null);
        RawPeer first = connect();
        first.open(65005, "127.0.0.5", 0, false);
        first.establish();
        first.announce(65005, "127.0.0.5", "10.5.1.0/24");
        SpeakerPairTest.await("route learned", () -> prefixes().size() == 1);
        first.reset();
        SpeakerPairTest.await("its route is withdrawn", () -> prefixes().isEmpty());
    }

    @Test
    void morePrefixesThanTheLimitClosesTheSessionWithCeaseOne() throws Exception {
        start(2);
        try (RawPeer peer = connect()) {
            peer.open(65005, "127.0.0.5", 0, false);
            peer.establish();
            peer.announce(65005, "127.0.0.5", "10.5.1.0/24", "10.5.2.0/24", "10.5.3.0/24");
            Notification n = peer.expect(Notification.class);
            assertEquals(Notification.CEASE, n.code());
            assertEquals(Notification.CEASE_MAX_PREFIXES, n.subcode());
        }
        SpeakerPairTest.await("its routes are gone", () -> prefixes().isEmpty());
        assertTrue(speaker.peers().get(0).lastError().contains("max prefixes 2 exceeded"),
                speaker.peers().get(0).lastError());
        List<String> seen = List.copyOf(reported);
        assertTrue(seen.contains("prefix-limit Node_127_0_0_5 127.0.0.5 2 3"), seen.toString());
        assertTrue(seen.stream().anyMatch(l -> l.startsWith("state Node_127_0_0_5 127.0.0.5 ")
                && l.endsWith(" -> ESTABLISHED ")), seen.toString());
        assertTrue(seen.stream().anyMatch(l -> l.startsWith("state Node_127_0_0_5 127.0.0.5 ESTABLISHED -> IDLE ")
                && l.contains("max prefixes 2 exceeded")), seen.toString());
    }

    @Test
    void aMalformedUpdateResetsTheSessionWithTheRightNotification() throws Exception {
        start(null);
        try (RawPeer peer = connect()) {
            peer.open(65005, "127.0.0.5", 0, false);
            peer.establish();
            // An UPDATE whose Withdrawn Routes Length runs past the message (RFC 4271 6.3: Malformed Attribute List).
            byte[] bad = new byte[23];
            java.util.Arrays.fill(bad, 0, 16, (byte) 0xFF);
            bad[17] = 23;
            bad[18] = 2;
            bad[19] = 0;
            bad[20] = 100;
            peer.sendRaw(Unpooled.wrappedBuffer(bad));
            Notification n = peer.expect(Notification.class);
            assertEquals(3, n.code(), "UPDATE Message Error: " + n);
            assertEquals(1, n.subcode(), "Malformed Attribute List: " + n);
        }
        assertTrue(speaker.peers().get(0).lastError().contains("UPDATE Message Error"),
                speaker.peers().get(0).lastError());
        List<String> malformed = reported.stream().filter(l -> l.startsWith("malformed ")).toList();
        assertEquals(1, malformed.size(), reported.toString());
        assertTrue(malformed.get(0).startsWith("malformed Node_127_0_0_5 127.0.0.5 3/1 "), malformed.toString());
    }

    @Test
    void aRouteRefreshIsAnsweredWithTheWholeTableAgain() throws Exception {
        start(null);
        speaker.originate(List.of(dev.tabby.bgp.wire.Prefix.parse("10.1.0.0/16")));
        try (RawPeer peer = connect()) {
            peer.open(65005, "127.0.0.5", 0, false);
            peer.establish();
            dev.tabby.bgp.wire.Update first = peer.expect(dev.tabby.bgp.wire.Update.class);
            assertEquals(List.of(dev.tabby.bgp.wire.Prefix.parse("10.1.0.0/16")), first.nlri());
            peer.expect(dev.tabby.bgp.wire.Update.class); // End-of-RIB
            peer.send(dev.tabby.bgp.wire.RouteRefresh.of(AfiSafi.IPV4_UNICAST, 0));
            dev.tabby.bgp.wire.Update again = peer.expect(dev.tabby.bgp.wire.Update.class);
            assertEquals(List.of(dev.tabby.bgp.wire.Prefix.parse("10.1.0.0/16")), again.nlri(),
                    "RFC 2918: the Adj-RIB-Out is sent again");
        }
    }

    @Test
    void anOpenFromTheWrongAsIsRefusedWithBadPeerAs() throws Exception {
        start(null);
        try (RawPeer peer = connect()) {
            peer.open(65099, "127.0.0.5", 0, false);
            peer.expect(Open.class);
            Notification n = peer.expect(Notification.class);
            assertEquals(2, n.code(), n.toString());
            assertEquals(2, n.subcode(), "Bad Peer AS: " + n);
        }
        assertTrue(reported.stream().anyMatch(l -> l.startsWith("malformed Node_127_0_0_5 127.0.0.5 2/2 ")),
                reported.toString());
    }
}
