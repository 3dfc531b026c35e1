package dev.tabby.testbed.interop;

import dev.tabby.testbed.routers.Await;

import static dev.tabby.testbed.bench.PeeringLab.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.testbed.bench.PeeringLab;
import dev.tabby.testbed.bench.SpeakerConfig;
import dev.tabby.testbed.routers.Afi;
import dev.tabby.testbed.routers.BirdRouter;
import dev.tabby.testbed.routers.LearnedRoute;
import dev.tabby.testbed.routers.Neighbour;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route reflection (RFC 4456) between Tabby and BIRD in both roles. Tabby is a reflector when its Node has
 * spec.bgp.routeReflectorClusterID: its iBGP BGPPeers outside that cluster are its clients (Calico v3.18's
 * bird.cfg.template, "rr client" and "rr cluster id"; services/bgp SessionPlan). A reflected route keeps its next
 * hop and gains ORIGINATOR_ID and CLUSTER_LIST, which BIRD shows in {@code show route all}. As a reflector Tabby
 * passes on only what its export filter lets through: routes inside an IPPool (bird.cfg.template's
 * calico_export_to_bgp_peers).
 */
class RouteReflectionInteropTest {
    private static final long AS = 64512;
    private static final String CLUSTER_ID = "244.0.0.1";

    private PeeringLab lab;

    @AfterEach
    void cleanUp() {
        if (lab == null) {
            return;
        }
        List<String> ours = lab.namespaces();
        lab.close();
        String list = PeeringLab.run("ip", "netns", "list");
        for (String ns : ours) {
            assertFalse(list.contains(ns), "namespace " + ns + " is left behind: " + list);
        }
    }

    @Test
    void tabbyReflectsOneBirdClientsPoolRouteToTheOtherWithOriginatorIdAndClusterList() {
        lab = PeeringLab.create("tabby-t-", 3);
        TabbySpeaker tabby = TabbySpeaker.start(lab, 1, SpeakerConfig.of("tabby-rr", AS, ipv4(1) + "/24", null)
                .asRouteReflector(CLUSTER_ID).withPool("10.90.0.0/16")
                .withPeer(SpeakerConfig.Peer.of("client-2", ipv4(2), AS))
                .withPeer(SpeakerConfig.Peer.of("client-3", ipv4(3), AS)));
        Router client2 = lab.start(new BirdRouter(), 2, RouterConfig.of(ipv4(2), AS)
                .withNeighbour(Neighbour.of(ipv4(1), AS)).withPrefixes(List.of("10.90.2.0/24", "10.91.2.0/24")));
        Router client3 = lab.start(new BirdRouter(), 3, RouterConfig.of(ipv4(3), AS)
                .withNeighbour(Neighbour.of(ipv4(1), AS)));

        Await.until("Tabby learns client 2's prefixes, in the pool and outside it",
                () -> Map.copyOf(prefixesToNextHop(tabby.routes("ipv4"))),
                Map.of("10.90.2.0/24", ipv4(2), "10.91.2.0/24", ipv4(2))::equals, lab::logs);
        Await.until("client 3 learns client 2's pool route, next hop unchanged", () -> client3.routes(Afi.IPV4),
                List.of(new LearnedRoute("10.90.2.0/24", ipv4(2), List.of()))::equals, lab::logs);
        String shown = birdc(3, "show", "route", "10.90.2.0/24", "all");
        assertTrue(shown.contains("BGP.originator_id: " + ipv4(2)), "no ORIGINATOR_ID of client 2: " + shown);
        assertTrue(shown.contains("BGP.cluster_list: " + CLUSTER_ID), "no CLUSTER_LIST of Tabby's cluster: " + shown);
        // Outside every pool: Calico's export filter keeps it from the other client (it arrived in the same UPDATE
        // round as the pool route, which has been reflected already).
        assertEquals(List.of(new LearnedRoute("10.90.2.0/24", ipv4(2), List.of())), client3.routes(Afi.IPV4));
        assertTrue(client2.established(ipv4(1)));
    }

    @Test
    void tabbyAsAClientOfABirdReflectorLearnsAndSendsRoutesThroughIt() {
        lab = PeeringLab.create("tabby-t-", 3);
        lab.start(new BirdRouter(), 1, RouterConfig.of(ipv4(1), AS)
                .withNeighbour(Neighbour.of(ipv4(2), AS).asRouteReflectorClient())
                .withNeighbour(Neighbour.of(ipv4(3), AS).asRouteReflectorClient()));
        TabbySpeaker tabby = TabbySpeaker.start(lab, 2, SpeakerConfig.of("tabby-client", AS, ipv4(2) + "/24", null)
                .withPeer(SpeakerConfig.Peer.of("bird-rr", ipv4(1), AS)));
        Router client3 = lab.start(new BirdRouter(), 3, RouterConfig.of(ipv4(3), AS)
                .withNeighbour(Neighbour.of(ipv4(1), AS)).withPrefixes(List.of("10.92.3.0/24")));

        Await.until("Tabby learns client 3's prefix through the reflector, next hop client 3",
                () -> tabby.routes("ipv4"), List.of(new TabbySpeaker.Route("10.92.3.0/24", ipv4(3), List.of()))::equals,
                lab::logs);
        Await.until("Tabby installs it via client 3", () -> tabby.kernelRoutes("ipv4"),
                Map.of("10.92.3.0/24", ipv4(3))::equals, lab::logs);

        tabby.originate("ipv4", List.of("10.92.2.0/24"));
        Await.until("client 3 learns Tabby's prefix through the reflector, next hop Tabby",
                () -> client3.routes(Afi.IPV4), List.of(new LearnedRoute("10.92.2.0/24", ipv4(2), List.of()))::equals,
                lab::logs);
        String shown = birdc(3, "show", "route", "10.92.2.0/24", "all");
        assertTrue(shown.contains("BGP.originator_id: " + ipv4(2)), "no ORIGINATOR_ID of Tabby: " + shown);
        // BirdConfig gives a reflector its router id as cluster id.
        assertTrue(shown.contains("BGP.cluster_list: " + ipv4(1)), "no CLUSTER_LIST of BIRD's cluster: " + shown);

        tabby.withdraw("ipv4", List.of("10.92.2.0/24"));
        Await.until("client 3 sees Tabby's withdrawal through the reflector", () -> client3.routes(Afi.IPV4),
                List::isEmpty, lab::logs);
    }

    private static Map<String, String> prefixesToNextHop(List<TabbySpeaker.Route> routes) {
        return routes.stream().collect(Collectors.toMap(TabbySpeaker.Route::prefix,
                TabbySpeaker.Route::nextHop));
    }

    /** birdc on the BIRD of {@code node}, over the control socket BirdRouter keeps in its work dir. */
    private String birdc(int node, String... args) {
        List<String> cmd = new ArrayList<>(List.of("birdc", "-s",
                lab.workDir(node, "bird").resolve("bird.ctl").toString()));
        cmd.addAll(List.of(args));
        return PeeringLab.run(cmd.toArray(String[]::new));
    }
}
