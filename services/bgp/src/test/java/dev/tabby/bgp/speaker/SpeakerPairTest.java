package dev.tabby.bgp.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.rib.BestChange;
import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.transport.PeerPassword;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Tabby speakers over real TCP on loopback (127.0.0.1 and 127.0.0.2, each on a free port): sessions come up,
 * routes originated on one reach the other with the attributes RFC 4271 asks for, withdrawals follow, and what
 * is not a configured peer is turned away.
 */
class SpeakerPairTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private final List<BgpSpeaker> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(BgpSpeaker::close);
    }

    private BgpSpeaker speaker(String address, long as, RouteSink sink) throws Exception {
        return speaker(address, as, sink, SocketSetup.NONE);
    }

    private BgpSpeaker speaker(String address, long as, RouteSink sink, SocketSetup sockets) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        SpeakerSettings s = SpeakerSettings.of((Inet4Address) a, as).withListen(a, 0)
                .withErrorWait(Duration.ofMillis(200), Duration.ofSeconds(1));
        BgpSpeaker speaker = new BgpSpeaker(s, sink, sockets).start();
        running.add(speaker);
        return speaker;
    }

    private static PeerConfig peer(String name, BgpSpeaker other, String otherAddress, long otherAs, long localAs,
            String source, boolean passive) throws Exception {
        PeerConfig p = PeerConfig.of(name, InetAddress.getByName(otherAddress), otherAs, localAs)
                .withPort(other.listenPort());
        return new PeerConfig(p.name(), p.address(), p.port(), p.peerAs(), p.localAs(), passive, false, false,
                InetAddress.getByName(source), p.families(), p.holdTimeSeconds(), Duration.ofMillis(500), null,
                null, null, true);
    }

    @Test
    void ebgpRoutesFlowBothFamiliesAndAreWithdrawn() throws Exception {
        List<BestChange> seenByB = Collections.synchronizedList(new ArrayList<>());
        BgpSpeaker a = speaker("127.0.0.1", 65001, RouteSink.NONE);
        BgpSpeaker b = speaker("127.0.0.2", 65002, seenByB::addAll);
        a.configure(List.of(peer("Node_127_0_0_2", b, "127.0.0.2", 65002, 65001, "127.0.0.1", false)));
        b.configure(List.of(peer("Node_127_0_0_1", a, "127.0.0.1", 65001, 65002, "127.0.0.2", false)));
        await("both sessions Established", () -> established(a) && established(b));

        a.originate(List.of(Prefix.parse("10.65.0.0/26"), Prefix.parse("fd00:65::/122")));
        await("B has both routes", () -> b.routeCount(AfiSafi.IPV4_UNICAST) == 1
                && b.routeCount(AfiSafi.IPV6_UNICAST) == 1);
        RouteView v4 = b.routes(AfiSafi.IPV4_UNICAST, null).get(0);
        assertEquals("10.65.0.0/26", v4.prefix());
        assertEquals("127.0.0.1", v4.nextHop(), "eBGP: next hop self, the session's local address");
        assertEquals("65001", v4.asPath(), "eBGP: the sender prepends its AS to an empty path");
        assertEquals("127.0.0.1", v4.peer());
        assertTrue(v4.best());
        RouteView v6 = b.routes(AfiSafi.IPV6_UNICAST, null).get(0);
        // IPv6 over an IPv4 session without an IPv6 next hop: the IPv4-mapped ::ffff:127.0.0.1, which Java reads
        // back as the IPv4 address.
        assertEquals("127.0.0.1", v6.nextHop());
        assertEquals(2, a.peers().get(0).advertised());
        assertEquals(2, b.peers().get(0).received());
        assertTrue(seenByB.stream().anyMatch(c -> c.prefix().toString().equals("10.65.0.0/26") && c.after() != null),
                "the kernel sink heard of the new best route");

        a.withdraw(List.of(Prefix.parse("10.65.0.0/26")));
        await("B lost the IPv4 route", () -> b.routeCount(AfiSafi.IPV4_UNICAST) == 0);
        assertEquals(1, b.routeCount(AfiSafi.IPV6_UNICAST));
        assertTrue(seenByB.stream().anyMatch(c -> c.prefix().toString().equals("10.65.0.0/26") && c.gone()));
    }

    @Test
    void aThousandRoutesArePackedAndAllArrive() throws Exception {
        BgpSpeaker a = speaker("127.0.0.1", 65001, RouteSink.NONE);
        BgpSpeaker b = speaker("127.0.0.2", 65001, RouteSink.NONE);
        a.configure(List.of(peer("Mesh_127_0_0_2", b, "127.0.0.2", 65001, 65001, "127.0.0.1", false)));
        b.configure(List.of(peer("Mesh_127_0_0_1", a, "127.0.0.1", 65001, 65001, "127.0.0.2", true)));
        List<Prefix> many = IntStream.range(0, 1000)
                .mapToObj(i -> Prefix.parse("10." + (i / 256) + "." + (i % 256) + ".0/24")).toList();
        a.originate(many);
        await("B has all 1000", () -> b.routeCount(AfiSafi.IPV4_UNICAST) == 1000);
        RouteView r = b.routes(AfiSafi.IPV4_UNICAST, InetAddress.getByName("127.0.0.1")).get(0);
        assertEquals("", r.asPath(), "iBGP: no AS is prepended");
        assertEquals("127.0.0.1", r.nextHop(), "iBGP: a route we originate has us as next hop");
        assertEquals("node-to-node mesh", b.peers().get(0).kind());
    }

    @Test
    void aConnectionFromAnAddressThatIsNoPeerIsClosedAtOnce() throws Exception {
        BgpSpeaker a = speaker("127.0.0.1", 65001, RouteSink.NONE);
        a.configure(List.of(PeerConfig.of("Node_127_0_0_9", InetAddress.getByName("127.0.0.9"), 65009, 65001)
                .withPort(1)));
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.3", 0));
            s.connect(new InetSocketAddress("127.0.0.1", a.listenPort()), 2000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "the speaker closes the connection without sending anything");
        } catch (java.net.SocketException reset) {
            // a reset is as good as a close; a read timeout (not a SocketException) fails the test
        }
    }

    @Test
    void removingAPeerEndsItsSessionAndItsRoutes() throws Exception {
        BgpSpeaker a = speaker("127.0.0.1", 65001, RouteSink.NONE);
        BgpSpeaker b = speaker("127.0.0.2", 65002, RouteSink.NONE);
        a.configure(List.of(peer("Global_127_0_0_2", b, "127.0.0.2", 65002, 65001, "127.0.0.1", false)));
        b.configure(List.of(peer("Global_127_0_0_1", a, "127.0.0.1", 65001, 65002, "127.0.0.2", false)));
        a.originate(List.of(Prefix.parse("10.1.0.0/16")));
        await("B has the route", () -> b.routeCount(AfiSafi.IPV4_UNICAST) == 1);
        a.configure(List.of());
        await("B dropped the route", () -> b.routeCount(AfiSafi.IPV4_UNICAST) == 0);
        await("B saw the Cease", () -> b.peers().get(0).lastError().contains("Cease"));
        assertFalse(established(b));
    }

    @Test
    void tcpMd5SessionsComeUpWithTheSamePasswordAndNotWithAnother() throws Exception {
        BgpSpeaker a = speaker("127.0.0.1", 65001, RouteSink.NONE, new SecuredSockets());
        BgpSpeaker b = speaker("127.0.0.2", 65002, RouteSink.NONE, new SecuredSockets());
        PeerPassword good = PeerPassword.of("s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PeerPassword bad = PeerPassword.of("other".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.configure(List.of(peer("Node_127_0_0_2", b, "127.0.0.2", 65002, 65001, "127.0.0.1", false)
                .withSecurity(good, 1)));
        b.configure(List.of(peer("Node_127_0_0_1", a, "127.0.0.1", 65001, 65002, "127.0.0.2", true)
                .withSecurity(bad, 1)));
        Thread.sleep(6000); // a connect attempt and its 5 s timeout: the SYNs are dropped, nothing answers
        assertFalse(established(a) || established(b), "different passwords: no session");
        b.configure(List.of(peer("Node_127_0_0_1", a, "127.0.0.1", 65001, 65002, "127.0.0.2", true)
                .withSecurity(good, 1)));
        await("same password: the session comes up", () -> established(a) && established(b));
        assertFalse(a.peers().get(0).toString().contains("s3cret"), "the password never shows");
    }

    private static boolean established(BgpSpeaker s) {
        return s.peers().stream().allMatch(p -> p.state() == SessionState.ESTABLISHED);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
    }
}
