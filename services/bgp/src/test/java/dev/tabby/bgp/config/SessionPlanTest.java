package dev.tabby.bgp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Expected values follow confd release-v3.18 etc/calico/confd/templates/bird.cfg.template and bird6.cfg.template
 * (line numbers below are bird.cfg.template's) and pkg/backends/calico/client.go updatePeersV1. Each test fails when
 * the named template rule is broken, e.g. flipping the "gt" in the passive check or dropping the eBGP condition of
 * "next hop keep" makes the corresponding assertion fail.
 */
class SessionPlanTest {
    private static final BgpSettings DEFAULTS = BgpSettings.defaults();
    private static final BgpSettings NO_MESH = new BgpSettings(64512, false, null);

    private static NodeInfo node(String name, String v4, String v6, Map<String, String> labels, String clusterId) {
        return new NodeInfo(name, v4, v6, null, labels, clusterId);
    }

    private static final List<NodeInfo> THREE = List.of(
            node("a", "10.0.0.1", null, Map.of(), null),
            node("b", "10.0.0.2", null, Map.of("rack", "r1"), null),
            node("c", "10.0.0.10", null, Map.of(), null));

    private static Session session(SessionPlan plan, String name) {
        Optional<Session> s = plan.sessions().stream().filter(x -> x.name().equals(name)).findFirst();
        assertTrue(s.isPresent(), () -> "no session " + name + " in " + names(plan));
        return s.get();
    }

    private static List<String> names(SessionPlan plan) {
        return plan.sessions().stream().map(Session::name).sorted().toList();
    }

    @Test
    void threeNodeMeshPeersWithEveryOtherNodeAndIsPassiveTowardsStringGreaterAddresses() {
        SessionPlan a = SessionPlan.forNode("a", DEFAULTS, THREE, List.of());
        assertEquals(List.of("Mesh_10_0_0_10", "Mesh_10_0_0_2"), names(a)); // line 147: ourselves skipped
        assertTrue(a.skipped().stream().anyMatch(s -> s.what().equals("Mesh_10_0_0_1")));
        Session toB = session(a, "Mesh_10_0_0_2");
        assertEquals("10.0.0.2", toB.peerAddress());
        assertEquals(64512, toB.peerAs()); // line 149: global AS when the node has none
        assertEquals(64512, toB.localAs());
        assertEquals(SessionKind.MESH, toB.kind());
        assertEquals("10.0.0.1", toB.sourceAddress()); // line 150
        assertTrue(toB.passive()); // line 157: "10.0.0.2" > "10.0.0.1"
        assertNull(toB.port());

        SessionPlan b = SessionPlan.forNode("b", DEFAULTS, THREE, List.of());
        assertFalse(session(b, "Mesh_10_0_0_1").passive());
        // Go template 'gt' compares strings: "10.0.0.10" < "10.0.0.2", so b actively connects to c.
        assertFalse(session(b, "Mesh_10_0_0_10").passive());
        SessionPlan c = SessionPlan.forNode("c", DEFAULTS, THREE, List.of());
        assertTrue(session(c, "Mesh_10_0_0_2").passive());
        // No IPv6 address: bird6.cfg renders nothing (line 110).
        assertTrue(a.skipped().stream().anyMatch(s -> s.what().equals("V6 sessions")));
    }

    @Test
    void meshUsesOtherNodesOwnAsAndListenPort() {
        List<NodeInfo> nodes = List.of(node("a", "10.0.0.1", null, Map.of(), null),
                new NodeInfo("b", "10.0.0.2", null, 65002L, Map.of(), null, 1790));
        Session toB = session(SessionPlan.forNode("a", new BgpSettings(64512, true, 179), nodes, List.of()), "Mesh_10_0_0_2");
        assertEquals(65002, toB.peerAs());
        assertEquals(1790, toB.port()); // lines 138-144: node listen port before the global one
        Session toA = session(SessionPlan.forNode("b", new BgpSettings(64512, true, 179), nodes, List.of()), "Mesh_10_0_0_1");
        assertEquals(179, toA.port());
        assertEquals(65002, toA.localAs()); // line 114: node AS before global AS
    }

    @Test
    void meshOffLeavesNoSessions() {
        assertEquals(List.of(), SessionPlan.forNode("a", NO_MESH, THREE, List.of()).sessions()); // line 161
    }

    @Test
    void globalPeerAppearsOnEveryNodeAndKeepsNextHopOnlyForEbgp() {
        List<PeerSpec> peers = List.of(
                new PeerSpec("tor", "", "", "192.0.2.1", 65000L, "", true, null),
                new PeerSpec("ibgp", "", "", "192.0.2.2:1790", 64512L, "", true, "None"));
        for (String n : List.of("a", "b", "c")) {
            SessionPlan plan = SessionPlan.forNode(n, NO_MESH, THREE, peers);
            assertEquals(List.of("Global_192_0_2_1", "Global_192_0_2_2_port_1790"), names(plan)); // lines 169-177
            Session tor = session(plan, "Global_192_0_2_1");
            assertEquals(65000, tor.peerAs());
            assertEquals(64512, tor.localAs());
            assertEquals(SessionKind.GLOBAL, tor.kind());
            assertTrue(tor.keepOriginalNextHop()); // line 189: eBGP and keep_next_hop
            assertFalse(tor.routeReflectorClient());
            assertFalse(tor.passive());
            Session ibgp = session(plan, "Global_192_0_2_2_port_1790");
            assertEquals(1790, ibgp.port());
            assertFalse(ibgp.keepOriginalNextHop()); // line 189: iBGP never keeps next hop
            assertNull(ibgp.sourceAddress()); // line 179: sourceAddress None writes no "source address"
        }
        assertEquals("10.0.0.2", session(SessionPlan.forNode("b", NO_MESH, THREE, peers), "Global_192_0_2_1").sourceAddress());
    }

    @Test
    void nodeSpecificPeerByNameAndBySelector() {
        List<PeerSpec> peers = List.of(
                PeerSpec.toAddress("by-name", "a", "", "192.0.2.5", 65001L),
                PeerSpec.toAddress("by-selector", "", "rack == 'r1'", "192.0.2.6", 65001L));
        assertEquals(List.of("Node_192_0_2_5"), names(SessionPlan.forNode("a", NO_MESH, THREE, peers)));
        SessionPlan b = SessionPlan.forNode("b", NO_MESH, THREE, peers);
        assertEquals(List.of("Node_192_0_2_6"), names(b)); // lines 198-210
        assertEquals(SessionKind.NODE_SPECIFIC, session(b, "Node_192_0_2_6").kind());
        assertEquals(List.of(), names(SessionPlan.forNode("c", NO_MESH, THREE, peers)));
    }

    @Test
    void nodeSpecificPeerToAnAddressAlreadyPeeredGloballyIsDropped() {
        List<PeerSpec> peers = List.of(
                PeerSpec.toAddress("node-first", "a", "", "192.0.2.1", 65001L),
                PeerSpec.toAddress("global", "", "", "192.0.2.1", 65000L));
        SessionPlan a = SessionPlan.forNode("a", NO_MESH, THREE, peers);
        assertEquals(List.of("Global_192_0_2_1"), names(a)); // client.go emit(): global peering wins
        assertEquals(65000, session(a, "Global_192_0_2_1").peerAs());
    }

    @Test
    void peerSelectorPeersWithSelectedNodesAndTheyPeerBack() {
        List<NodeInfo> nodes = List.of(
                node("edge", "10.0.0.1", null, Map.of("edge", ""), null),
                new NodeInfo("gw", "10.0.0.9", null, 65010L, Map.of("role", "gw"), null),
                node("other", "10.0.0.3", null, Map.of(), null));
        List<PeerSpec> peers = List.of(PeerSpec.toNodes("edge-to-gw", "", "has(edge)", "role == 'gw'"));
        SessionPlan edge = SessionPlan.forNode("edge", NO_MESH, nodes, peers);
        assertEquals(List.of("Node_10_0_0_9"), names(edge));
        Session toGw = session(edge, "Node_10_0_0_9");
        assertEquals(65010, toGw.peerAs()); // the selected node's own AS
        assertEquals(64512, toGw.localAs());
        assertEquals(SessionKind.PEER_SELECTOR, toGw.kind());
        SessionPlan gw = SessionPlan.forNode("gw", NO_MESH, nodes, peers);
        assertEquals(List.of("Node_10_0_0_1"), names(gw)); // client.go reverse peering
        assertEquals(SessionKind.REVERSE, session(gw, "Node_10_0_0_1").kind());
        assertEquals(65010, session(gw, "Node_10_0_0_1").localAs());
        assertEquals(List.of(), names(SessionPlan.forNode("other", NO_MESH, nodes, peers)));
    }

    @Test
    void routeReflectorsServeClientsButNotEachOther() {
        List<NodeInfo> nodes = List.of(
                node("rr1", "10.0.0.101", null, Map.of("rr", "true"), "224.0.0.1"),
                node("rr2", "10.0.0.102", null, Map.of("rr", "true"), "224.0.0.1"),
                node("c1", "10.0.0.1", null, Map.of(), null),
                node("c2", "10.0.0.2", null, Map.of(), null));
        List<PeerSpec> peers = List.of(
                PeerSpec.toNodes("peer-with-rrs", "", "all()", "has(rr)"),
                PeerSpec.toNodes("rr-mesh", "", "has(rr)", "has(rr)"));
        SessionPlan rr1 = SessionPlan.forNode("rr1", NO_MESH, nodes, peers);
        assertEquals(List.of("Node_10_0_0_1", "Node_10_0_0_102", "Node_10_0_0_2"), names(rr1));
        // line 182: iBGP peer outside this node's cluster -> "rr client" with the node's cluster ID
        assertTrue(session(rr1, "Node_10_0_0_1").routeReflectorClient());
        assertEquals("224.0.0.1", session(rr1, "Node_10_0_0_1").rrClusterId());
        assertTrue(session(rr1, "Node_10_0_0_2").routeReflectorClient());
        assertFalse(session(rr1, "Node_10_0_0_102").routeReflectorClient()); // same cluster
        SessionPlan c1 = SessionPlan.forNode("c1", NO_MESH, nodes, peers);
        assertEquals(List.of("Node_10_0_0_101", "Node_10_0_0_102"), names(c1));
        assertFalse(session(c1, "Node_10_0_0_101").routeReflectorClient()); // c1 has no cluster ID
    }

    @Test
    void peerWithoutAsNumberIsSkippedWithReason() {
        SessionPlan a = SessionPlan.forNode("a", NO_MESH, THREE, List.of(PeerSpec.toAddress("no-as", "", "", "192.0.2.9", null)));
        assertEquals(List.of(), a.sessions());
        assertTrue(a.skipped().stream().anyMatch(s -> s.what().contains("no-as")
                && s.reason().startsWith("no asNumber: Calico v3.18 accepts it but cannot peer")), () -> a.skipped().toString());
    }

    @Test
    void peerAtOwnAddressAndMalformedOrUnsupportedPeersAreLeftOut() {
        List<PeerSpec> peers = List.of(
                PeerSpec.toAddress("self", "", "", "10.0.0.1", 65000L),
                PeerSpec.toAddress("bad", "", "", "not-an-ip", 65000L),
                PeerSpec.toAddress("fancy", "", "rack ==", "192.0.2.7", 65000L));
        SessionPlan a = SessionPlan.forNode("a", NO_MESH, THREE, peers);
        assertEquals(List.of(), a.sessions()); // line 174: skipping ourselves
        assertTrue(a.skipped().stream().anyMatch(s -> s.what().equals("Global_10_0_0_1 (BGPPeer self)")
                && s.reason().contains("this node's own")), () -> a.skipped().toString());
        assertTrue(a.skipped().stream().anyMatch(s -> s.what().equals("BGPPeer bad") && s.reason().contains("malformed")));
        assertTrue(a.skipped().stream().anyMatch(s -> s.what().equals("BGPPeer fancy") && s.reason().contains("rack ==")),
                () -> a.skipped().toString());
        assertEquals(List.of("Global_10_0_0_1"), names(SessionPlan.forNode("b", NO_MESH, THREE, peers)));
    }

    @Test
    void ipv6SessionsComeFromBird6AndSkipNodesWithoutIpv6() {
        List<NodeInfo> nodes = List.of(
                node("a", "10.0.0.1", "fd00::1", Map.of(), null),
                node("b", "10.0.0.2", "fd00::2", Map.of(), null),
                node("c", null, "fd00::3", Map.of(), null));
        List<PeerSpec> peers = List.of(PeerSpec.toAddress("tor6", "", "", "[fd00::ff]:1790", 65000L));
        SessionPlan a = SessionPlan.forNode("a", DEFAULTS, nodes, peers);
        assertEquals(List.of("Global_fd00__ff_port_1790", "Mesh_10_0_0_2", "Mesh_fd00__2", "Mesh_fd00__3"), names(a));
        Session toC = session(a, "Mesh_fd00__3");
        assertEquals(IpFamily.V6, toC.family());
        assertEquals("fd00::1", toC.sourceAddress());
        assertTrue(toC.passive());
        assertEquals("fd00::ff", session(a, "Global_fd00__ff_port_1790").peerAddress());
        SessionPlan c = SessionPlan.forNode("c", DEFAULTS, nodes, peers);
        assertEquals(List.of("Global_fd00__ff_port_1790", "Mesh_fd00__1", "Mesh_fd00__2"), names(c));
        assertTrue(c.skipped().stream().anyMatch(s -> s.what().equals("V4 sessions")));
    }

    @Test
    void routeReflectorNodeHasIpv4MeshButNoIpv6Mesh() {
        List<NodeInfo> nodes = List.of(
                node("rr", "10.0.0.1", "fd00::1", Map.of(), "224.0.0.1"),
                node("b", "10.0.0.2", "fd00::2", Map.of(), null));
        SessionPlan rr = SessionPlan.forNode("rr", DEFAULTS, nodes, List.of());
        // bird6.cfg.template: "ignore node-to-node mesh setting" on a route reflector; bird.cfg.template has no such rule.
        assertEquals(List.of("Mesh_10_0_0_2"), names(rr));
        assertEquals(List.of("Mesh_10_0_0_1", "Mesh_fd00__1"), names(SessionPlan.forNode("b", DEFAULTS, nodes, List.of())));
    }
}
