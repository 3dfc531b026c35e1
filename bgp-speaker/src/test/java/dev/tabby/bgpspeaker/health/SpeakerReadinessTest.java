package dev.tabby.bgpspeaker.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class SpeakerReadinessTest {
    static PeerStatus peer(String name, String address, SessionState state, String lastError) {
        return new PeerStatus(name, address, 64512, "node-to-node mesh", state, Instant.EPOCH, 0, 0, 0, lastError);
    }

    static final PeerStatus UP = peer("Mesh_10_0_0_2", "10.0.0.2", SessionState.ESTABLISHED, "");
    static final PeerStatus REFUSED = peer("Mesh_10_0_0_3", "10.0.0.3", SessionState.ACTIVE,
            "Socket: Connection refused");
    static final PeerStatus CONNECTING = peer("Mesh_10_0_0_4", "10.0.0.4", SessionState.CONNECT, "");
    static final PeerStatus OPENING = peer("Node_192_0_2_1", "192.0.2.1", SessionState.OPEN_SENT, null);

    @Test
    void inSyncWithEveryPeerEstablishedOrReportedIsReady() {
        SpeakerReadiness r = SpeakerReadiness.of(true, List.of(UP, REFUSED));

        assertTrue(r.ready());
        assertEquals("ready", r.reason());
        assertEquals(2, r.peers());
        assertEquals(1, r.established());
        assertEquals(Map.of(), r.waiting());
    }

    @Test
    void noPeersAndInSyncIsReady() {
        assertTrue(SpeakerReadiness.of(true, List.of()).ready());
    }

    @Test
    void notInSyncIsNotReadyEvenWithEveryPeerUp() {
        SpeakerReadiness r = SpeakerReadiness.of(false, List.of(UP));

        assertFalse(r.ready());
        assertEquals("not in sync with the datastore", r.reason());
    }

    @Test
    void aPeerNeitherEstablishedNorReportingAnErrorHoldsReadinessAndIsNamed() {
        SpeakerReadiness r = SpeakerReadiness.of(true, List.of(UP, CONNECTING, REFUSED, OPENING));

        assertFalse(r.ready());
        assertEquals(Map.of("Mesh_10_0_0_4", "10.0.0.4 Connect, no error reported yet",
                "Node_192_0_2_1", "192.0.2.1 OpenSent, no error reported yet"), r.waiting());
        assertEquals("2 peer(s) neither Established nor reporting an error: Mesh_10_0_0_4, Node_192_0_2_1",
                r.reason());
    }

    @Test
    void bothReasonsAreGivenTogether() {
        assertEquals("not in sync with the datastore; 1 peer(s) neither Established nor reporting an error:"
                + " Mesh_10_0_0_4", SpeakerReadiness.of(false, List.of(CONNECTING)).reason());
    }

    @Test
    void theReadinessCheckNamesEachWaitingPeerInItsData() {
        SpeakerHealth.Ready check = new SpeakerHealth.Ready();
        check.source = new SpeakerHealthSource() {
            @Override
            public boolean inSync() {
                return true;
            }

            @Override
            public List<PeerStatus> peers() {
                return List.of(UP, CONNECTING);
            }
        };

        HealthCheckResponse r = check.call();

        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        Map<String, Object> data = r.getData().orElseThrow();
        assertEquals("10.0.0.4 Connect, no error reported yet", data.get("Mesh_10_0_0_4"));
        assertEquals("in sync", data.get("datastore"));
        assertEquals(2L, data.get("peers"));
        assertEquals(1L, data.get("established"));
        assertTrue(String.valueOf(data.get("reason")).contains("Mesh_10_0_0_4"));
    }

    @Test
    void livenessIsUp() {
        assertEquals(HealthCheckResponse.Status.UP, new SpeakerHealth.Alive().call().getStatus());
    }
}
