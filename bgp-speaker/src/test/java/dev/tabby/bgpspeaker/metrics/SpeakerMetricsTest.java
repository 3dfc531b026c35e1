package dev.tabby.bgpspeaker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgpspeaker.rest.FakeSpeaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The meters as a registry holds them, refreshed by hand from a fake speaker. */
class SpeakerMetricsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final FakeSpeaker speaker = new FakeSpeaker();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final SpeakerMetrics metrics = new SpeakerMetrics();

    SpeakerMetricsTest() {
        metrics.speaker = speaker;
        metrics.registry = registry;
        metrics.registerLocRib();
    }

    static PeerStatus peer(String address, SessionState state, Instant since, int received, int accepted,
            int advertised) {
        return new PeerStatus("Mesh_" + address.replace('.', '_'), address, 64512, "node-to-node mesh", state, since,
                received, accepted, advertised, "");
    }

    double gauge(String name, String peer) {
        Gauge g = registry.find(name).tag("peer", peer).gauge();
        return g == null ? Double.NaN : g.value();
    }

    double flaps(String peer) {
        Counter c = registry.find("tabby.bgp.peer.flaps").tag("peer", peer).counter();
        return c == null ? Double.NaN : c.count();
    }

    @Test
    void perPeerGaugesFollowTheSpeaker() {
        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0, 5, 4, 2),
                peer("10.0.0.3", SessionState.ACTIVE, T0, 0, 0, 0));
        metrics.refresh();

        assertEquals(1.0, gauge("tabby.bgp.peer.established", "10.0.0.2"));
        assertEquals(0.0, gauge("tabby.bgp.peer.established", "10.0.0.3"));
        assertEquals(5.0, gauge("tabby.bgp.peer.prefixes.received", "10.0.0.2"));
        assertEquals(4.0, gauge("tabby.bgp.peer.prefixes.accepted", "10.0.0.2"));
        assertEquals(2.0, gauge("tabby.bgp.peer.prefixes.advertised", "10.0.0.2"));

        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0, 7, 7, 3),
                peer("10.0.0.3", SessionState.ESTABLISHED, T0.plusSeconds(1), 1, 1, 1));
        metrics.refresh();

        assertEquals(7.0, gauge("tabby.bgp.peer.prefixes.received", "10.0.0.2"));
        assertEquals(1.0, gauge("tabby.bgp.peer.established", "10.0.0.3"));
    }

    @Test
    void flapsCountEstablishedSessionsThatWentDown() {
        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0, 0, 0, 0));
        metrics.refresh();
        assertEquals(0.0, flaps("10.0.0.2"));

        speaker.peers = List.of(peer("10.0.0.2", SessionState.IDLE, T0.plusSeconds(1), 0, 0, 0));
        metrics.refresh();
        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0.plusSeconds(2), 0, 0, 0));
        metrics.refresh();
        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0.plusSeconds(9), 0, 0, 0));
        metrics.refresh();

        assertEquals(2.0, flaps("10.0.0.2"));
    }

    @Test
    void aPeerNoLongerConfiguredLosesItsMeters() {
        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0, 1, 1, 1),
                peer("10.0.0.3", SessionState.ESTABLISHED, T0, 1, 1, 1));
        metrics.refresh();
        speaker.peers = List.of(peer("10.0.0.3", SessionState.ESTABLISHED, T0, 1, 1, 1));
        metrics.refresh();

        assertNull(registry.find("tabby.bgp.peer.established").tag("peer", "10.0.0.2").gauge());
        assertNull(registry.find("tabby.bgp.peer.flaps").tag("peer", "10.0.0.2").counter());
        assertEquals(1.0, gauge("tabby.bgp.peer.established", "10.0.0.3"));
        assertEquals(5, registry.find("tabby.bgp.peer.established").gauges().size()
                + registry.find("tabby.bgp.peer.prefixes.received").gauges().size()
                + registry.find("tabby.bgp.peer.prefixes.accepted").gauges().size()
                + registry.find("tabby.bgp.peer.prefixes.advertised").gauges().size()
                + registry.find("tabby.bgp.peer.flaps").counters().size());
    }

    @Test
    void locRibRoutesArePerFamily() {
        speaker.counts.put(AfiSafi.IPV4_UNICAST, 12);
        speaker.counts.put(AfiSafi.IPV6_UNICAST, 3);
        metrics.refresh();

        assertEquals(12.0, registry.find("tabby.bgp.locrib.routes").tag("afi", "ipv4").gauge().value());
        assertEquals(3.0, registry.find("tabby.bgp.locrib.routes").tag("afi", "ipv6").gauge().value());
    }

    @Test
    void aSpeakerNotAnsweringLeavesTheLastValues() {
        speaker.peers = List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0, 5, 5, 5));
        speaker.counts.put(AfiSafi.IPV4_UNICAST, 4);
        metrics.refresh();
        speaker.failure = new IllegalStateException("the speaker is not running");
        metrics.refresh();

        assertEquals(1.0, gauge("tabby.bgp.peer.established", "10.0.0.2"));
        assertEquals(4.0, registry.find("tabby.bgp.locrib.routes").tag("afi", "ipv4").gauge().value());
    }
}
