package dev.tabby.bgpspeaker.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peers report in calicoctl v3.18's words. Expected rows come from calicoctl/commands/node/status_test.go ("Parse
 * BIRD peer lines": "accept Mesh" for a date, "accept Node" for the info column split into BGP state "Active" and info
 * "Socket: error") and reference/calicoctl/node/status.md ("| 172.17.8.102 | node-to-node mesh | up | 23:30:04 |
 * Established |"); "start" for a connecting peer is BIRD's PS_START (proto/bgp/bgp.c).
 */
class PeersReportTest {
    static final ZoneId UTC = ZoneOffset.UTC;
    static final Instant NOW = Instant.parse("2016-11-22T09:00:00Z");

    static PeerStatus peer(String name, String address, String kind, SessionState state, Instant since,
            String lastError) {
        return new PeerStatus(name, address, 64512, kind, state, since, 10, 9, 4, lastError);
    }

    @Test
    void anEstablishedPeerOfTheLastTwentyHoursShowsTheTimeOfDayAsInCalicoctlsDocs() {
        PeersReport r = PeersReport.of(List.of(peer("Mesh_172_17_8_102", "172.17.8.102", "node-to-node mesh",
                SessionState.ESTABLISHED, Instant.parse("2016-11-21T23:30:04Z"), "")), NOW, UTC);

        PeersReport.Peer p = r.ipv4().get(0);
        assertEquals(List.of("172.17.8.102", "node-to-node mesh", "up", "23:30:04", "Established", ""),
                List.of(p.peerAddress(), p.peerType(), p.state(), p.since(), p.bgpState(), p.info()));
        assertEquals(List.of(), r.ipv6());
    }

    @Test
    void anOlderChangeShowsTheDateAsStatusTestsAcceptMesh() {
        Instant since = Instant.parse("2016-11-21T09:00:00Z"); // 24 h before NOW
        PeersReport.Peer p = PeersReport.of(List.of(peer("Mesh_172_17_8_102", "172.17.8.102", "node-to-node mesh",
                SessionState.ESTABLISHED, since, "")), NOW, UTC).ipv4().get(0);

        assertEquals("2016-11-21", p.since());
        assertEquals(24 * 3600L, p.uptimeSeconds());
    }

    @Test
    void twentyHoursIsBirdsLimitBetweenTimeAndDate() {
        assertEquals("13:00:01", BirdWords.since(NOW.minus(Duration.ofHours(20)).plusSeconds(1), NOW, UTC));
        assertEquals("2016-11-21", BirdWords.since(NOW.minus(Duration.ofHours(20)), NOW, UTC));
    }

    @Test
    void theTimeOfDayIsInTheGivenZoneAsBirdsLocaltime() {
        // Paris is UTC+1 in November.
        assertEquals("09:30:00",
                BirdWords.since(Instant.parse("2016-11-22T08:30:00Z"), NOW, ZoneId.of("Europe/Paris")));
    }

    @Test
    void aPeerFailingToConnectShowsStartAndItsInfoSplitAsCalicoctlSplitsIt() {
        PeersReport.Peer p = PeersReport.of(List.of(peer("Node_172_17_80_102", "172.17.80.102", "node specific",
                SessionState.ACTIVE, NOW.minusSeconds(5), "Socket: Connection refused")), NOW, UTC).ipv4().get(0);

        assertEquals("node specific", p.peerType());
        assertEquals("start", p.state());
        assertEquals("Active", p.bgpState());
        assertEquals("Socket: Connection refused", p.info());
        // calicoctl's printPeers joins them: the INFO cell reads as BIRD prints it.
        assertEquals("Active Socket: Connection refused", p.bgpState() + " " + p.info());
        assertNull(p.uptimeSeconds());
        assertEquals("Socket: Connection refused", p.lastError());
    }

    @Test
    void anEstablishedPeerHasNoInfoButKeepsItsLastErrorAsBirdClearsItOnEstablished() {
        PeersReport.Peer p = PeersReport.of(List.of(peer("Global_172_17_8_133", "172.17.8.133", "global",
                SessionState.ESTABLISHED, NOW.minusSeconds(90), "Received: Hold timer expired")), NOW, UTC)
                .ipv4().get(0);

        assertEquals("", p.info());
        assertEquals("Received: Hold timer expired", p.lastError());
        assertEquals(90L, p.uptimeSeconds());
    }

    @Test
    void everyFsmStateHasBirdsWordAndOnlyEstablishedIsUp() {
        assertEquals(List.of("Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established"),
                List.of(SessionState.values()).stream().map(BirdWords::bgpState).toList());
        assertEquals(List.of("start", "start", "start", "start", "start", "up"),
                List.of(SessionState.values()).stream().map(BirdWords::state).toList());
    }

    @Test
    void peersAreSplitByTheirAddressFamilyInTheOrderGiven() {
        PeersReport r = PeersReport.of(List.of(
                peer("Mesh_fd80_24e2_f998_72d7__2", "fd80:24e2:f998:72d7::2", "node-to-node mesh",
                        SessionState.ESTABLISHED, NOW, ""),
                peer("Mesh_10_0_0_3", "10.0.0.3", "node-to-node mesh", SessionState.CONNECT, NOW, ""),
                peer("Mesh_10_0_0_2", "10.0.0.2", "node-to-node mesh", SessionState.IDLE, NOW, "")), NOW, UTC);

        assertEquals(List.of("10.0.0.3", "10.0.0.2"), r.ipv4().stream().map(PeersReport.Peer::peerAddress).toList());
        assertEquals(List.of("fd80:24e2:f998:72d7::2"),
                r.ipv6().stream().map(PeersReport.Peer::peerAddress).toList());
    }

    @Test
    void theCountersNameAndAsAreCarried() {
        PeersReport.Peer p = PeersReport.of(List.of(new PeerStatus("Node_192_0_2_1", "192.0.2.1", 65001,
                "node specific", SessionState.ESTABLISHED, NOW, 12, 11, 3, "")), NOW, UTC).ipv4().get(0);

        assertEquals("Node_192_0_2_1", p.name());
        assertEquals(65001, p.peerAs());
        assertEquals(List.of(12, 11, 3), List.of(p.prefixesReceived(), p.prefixesAccepted(), p.prefixesAdvertised()));
        assertEquals(0L, p.uptimeSeconds());
    }

    @Test
    void theJsonHasTheFieldsTabbyctlNodeStatusReads() throws Exception {
        PeersReport r = PeersReport.of(List.of(peer("Mesh_10_0_0_3", "10.0.0.3", "node-to-node mesh",
                SessionState.ACTIVE, NOW, "Socket: Connection refused")), NOW, UTC);

        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(r));
        assertTrue(json.get("ipv6").isArray());
        JsonNode p = json.get("ipv4").get(0);
        // services/ctl NodeStatusReport.Peer: peerAddress, peerType, state, since, bgpState, info.
        assertEquals("10.0.0.3", p.get("peerAddress").asText());
        assertEquals("node-to-node mesh", p.get("peerType").asText());
        assertEquals("start", p.get("state").asText());
        assertEquals("09:00:00", p.get("since").asText());
        assertEquals("Active", p.get("bgpState").asText());
        assertEquals("Socket: Connection refused", p.get("info").asText());
        assertTrue(p.get("uptimeSeconds").isNull());
        assertEquals(64512, p.get("peerAs").asLong());
    }

    @Test
    void aPeerWithoutATimeShowsNoSince() {
        assertEquals("", BirdWords.since(null, NOW, UTC));
        assertNull(BirdWords.uptimeSeconds(SessionState.ESTABLISHED, null, NOW));
    }
}
