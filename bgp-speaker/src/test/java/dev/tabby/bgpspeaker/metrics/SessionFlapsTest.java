package dev.tabby.bgpspeaker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionFlapsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static PeerStatus peer(String address, SessionState state, Instant since) {
        return new PeerStatus("Mesh_" + address.replace('.', '_'), address, 64512, "node-to-node mesh", state, since,
                0, 0, 0, "");
    }

    final SessionFlaps flaps = new SessionFlaps();

    @Test
    void establishedThenDownIsOneFlap() {
        flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0)));

        assertEquals(List.of("10.0.0.2"),
                flaps.observe(List.of(peer("10.0.0.2", SessionState.ACTIVE, T0.plusSeconds(1)))));
        assertEquals(List.of(), flaps.observe(List.of(peer("10.0.0.2", SessionState.CONNECT, T0.plusSeconds(2)))));
    }

    @Test
    void comingUpIsNoFlap() {
        assertEquals(List.of(), flaps.observe(List.of(peer("10.0.0.2", SessionState.ACTIVE, T0))));
        assertEquals(List.of(), flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0.plusSeconds(1)))));
        assertEquals(List.of(), flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0.plusSeconds(1)))));
    }

    @Test
    void aSessionFirstSeenEstablishedIsNoFlap() {
        assertEquals(List.of(), flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0))));
    }

    @Test
    void downAndUpAgainBetweenTwoSnapshotsIsSeenByTheNewSince() {
        flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0)));

        assertEquals(List.of("10.0.0.2"),
                flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0.plusSeconds(30)))));
    }

    @Test
    void aPeerRemovedFromTheConfigurationIsNoFlapAndStartsAfreshWhenAddedBack() {
        flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0)));
        assertEquals(List.of(), flaps.observe(List.of()));
        assertEquals(List.of(), flaps.observe(List.of(peer("10.0.0.2", SessionState.CONNECT, T0.plusSeconds(5)))));
    }

    @Test
    void peersAreToldApartByAddress() {
        flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0),
                peer("10.0.0.3", SessionState.ESTABLISHED, T0)));

        assertEquals(List.of("10.0.0.3"), flaps.observe(List.of(peer("10.0.0.2", SessionState.ESTABLISHED, T0),
                peer("10.0.0.3", SessionState.IDLE, T0.plusSeconds(1)))));
    }
}
