package dev.tabby.testbed.routers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI answers of BIRD 2.0.12, GoBGP 3.10 and FRR 8.4, as they printed them in this project's namespaces. */
class RouterOutputTest {
    @Test
    void birdRoutesTakeTheGlobalNextHopAndTheAsPath() {
        String out = """
                BIRD 2.0.12 ready.
                Table master6:
                fd00:33::/64         unicast [Peer_10_250_0_2 21:34:07.344 from 10.250.0.2] * (100) [AS65002i]
                \tvia fd00:250::2 on eth0
                \tType: BGP univ
                \tBGP.origin: IGP
                \tBGP.as_path: 65002 65010
                \tBGP.next_hop: fd00:250::2 fe80::2011:6eff:fe51:b24f
                \tBGP.local_pref: 100
                                     unicast [Peer_10_250_0_3 21:34:07.344] (100) [AS65003i]
                \tvia fd00:250::3 on eth0
                \tType: BGP univ
                \tBGP.origin: IGP
                \tBGP.as_path: 65003 {65020 65021}
                \tBGP.next_hop: fd00:250::3
                \tBGP.local_pref: 100
                fd00:44::/64         unicast [Peer_10_250_0_4 21:34:07.344] * (100) [AS65004i]
                \tvia fd00:250::4 on eth0
                \tType: BGP univ
                \tBGP.origin: IGP
                \tBGP.as_path:
                \tBGP.next_hop: fd00:250::4
                """;
        assertEquals(List.of(
                new LearnedRoute("fd00:33::/64", "fd00:250::2", List.of(65002L, 65010L)),
                new LearnedRoute("fd00:33::/64", "fd00:250::3", List.of(65003L, 65020L, 65021L)),
                new LearnedRoute("fd00:44::/64", "fd00:250::4", List.of())), BirdOutput.routes(out));
        assertEquals(List.of(), BirdOutput.routes("BIRD 2.0.12 ready.\n"));
    }

    @Test
    void birdSessionStateComesFromTheBgpStateLine() {
        assertEquals("Established", BirdOutput.bgpState("""
                BIRD 2.0.12 ready.
                Name       Proto      Table      State  Since         Info
                Peer_10_250_0_2 BGP   ---        up     21:34:06.294  Established
                  BGP state:          Established
                    Neighbor address: 10.250.0.2
                """));
        assertEquals("Idle", BirdOutput.bgpState("Peer_1     BGP        ---        down   21:34:06.294\n"));
    }

    @Test
    void gobgpRoutesAreThePathsWithANeighbour() {
        String rib = """
                {"fd00:11::/64":[{"nlri":{"prefix":"fd00:11::/64"},"age":1,"best":true,"attrs":[{"type":1,"value":0},\
                {"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[65001]}]},{"type":14,"nexthop":"fd00:250::1",\
                "afi":2,"safi":1,"value":[{"prefix":"fd00:11::/64"}]}],"stale":false,"source-id":"10.250.0.1",\
                "neighbor-ip":"10.250.0.1"}],"fd00:22::/64":[{"nlri":{"prefix":"fd00:22::/64"},"age":1,"best":true,\
                "attrs":[{"type":1,"value":2},{"type":14,"nexthop":"fd00:250::2","afi":2,"safi":1,"value":[]}],\
                "stale":false}]}""";
        assertEquals(List.of(new LearnedRoute("fd00:11::/64", "fd00:250::1", List.of(65001L))),
                GobgpOutput.routes(rib));
        assertEquals(List.of(), GobgpOutput.routes("Network not in table"));
    }

    @Test
    void gobgpSessionStateIsNamedAsRfc4271NamesIt() {
        String neighbours = "[{\"conf\":{\"neighbor_address\":\"10.250.0.1\"},\"state\":{\"session_state\":6}},"
                + "{\"conf\":{\"neighbor_address\":\"10.250.0.3\"},\"state\":{\"session_state\":3}}]";
        assertEquals("Established", GobgpOutput.sessionState(neighbours, "10.250.0.1"));
        assertEquals("Active", GobgpOutput.sessionState(neighbours, "10.250.0.3"));
        assertNull(GobgpOutput.sessionState(neighbours, "10.250.0.9"));
    }

    @Test
    void frrRoutesSkipLocalPathsAndTakeTheGlobalNextHop() {
        String json = """
                {"vrfId": 0, "routes": { "fd00:11::/64": [{"valid":true,"bestpath":true,"peerId":"10.250.0.1",\
                "path":"65001","origin":"IGP","nexthops":[{"ip":"fd00:250::1","afi":"ipv6","scope":"global"},\
                {"ip":"fe80::1444:fdff:fef6:92c0","afi":"ipv6","scope":"link-local","used":true}]}],
                "fd00:33::/64": [{"valid":true,"bestpath":true,"peerId":"(unspec)","path":"","origin":"IGP",\
                "nexthops":[{"ip":"::","afi":"ipv6","scope":"global","used":true}]}] } }""";
        assertEquals(List.of(new LearnedRoute("fd00:11::/64", "fd00:250::1", List.of(65001L))),
                FrrOutput.routes(json));
    }

    @Test
    void frrSessionStateComesFromBgpState() {
        assertEquals("Established", FrrOutput.sessionState("{\"10.250.0.1\":{\"bgpState\":\"Established\"}}",
                "10.250.0.1"));
        assertNull(FrrOutput.sessionState("{\"bgpNoSuchNeighbor\":true}", "10.250.0.1"));
    }
}
