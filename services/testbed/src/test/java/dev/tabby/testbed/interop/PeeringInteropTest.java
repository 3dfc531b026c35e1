package dev.tabby.testbed.interop;

import dev.tabby.testbed.routers.Await;

import static dev.tabby.testbed.bench.PeeringLab.ipv4;
import static dev.tabby.testbed.bench.PeeringLab.ipv6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.testbed.bench.PeeringLab;
import dev.tabby.testbed.bench.SpeakerConfig;
import dev.tabby.testbed.routers.Afi;
import dev.tabby.testbed.routers.LearnedRoute;
import dev.tabby.testbed.routers.Neighbour;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterConfig;
import dev.tabby.testbed.routers.RouterKind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tabby's standalone bgp-speaker against each reference router (BIRD 2, GoBGP, FRR) as real processes on one link:
 * an eBGP session carrying IPv4 and IPv6 unicast (MP-BGP, RFC 4760) and an iBGP session with a second router of the
 * same kind. Routes the router announces reach Tabby's Loc-RIB with the router's next hop and AS path and Tabby's
 * kernel (proto 83) via the router's address; routes Tabby originates reach the router with Tabby's AS and address;
 * withdrawals go both ways. One Tabby and two routers per router kind, shared by every assertion.
 */
class PeeringInteropTest {
    private static final long TABBY_AS = 64512;
    private static final long ROUTER_AS = 65001;
    private static final int TABBY = 1;
    private static final int EBGP = 2;
    private static final int IBGP = 3;

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
    void withBird() {
        routesFlowBothWaysOverEbgpWithIpv4AndIpv6AndOverIbgp(RouterKind.BIRD);
    }

    @Test
    void withGobgp() {
        routesFlowBothWaysOverEbgpWithIpv4AndIpv6AndOverIbgp(RouterKind.GOBGP);
    }

    @Test
    void withFrr() {
        routesFlowBothWaysOverEbgpWithIpv4AndIpv6AndOverIbgp(RouterKind.FRR);
    }

    private void routesFlowBothWaysOverEbgpWithIpv4AndIpv6AndOverIbgp(RouterKind kind) {
        lab = PeeringLab.create("tabby-t-", 3);
        TabbySpeaker tabby = TabbySpeaker.start(lab, TABBY, SpeakerConfig.of("tabby", TABBY_AS, ipv4(TABBY) + "/24",
                        ipv6(TABBY) + "/64")
                .withPeer(SpeakerConfig.Peer.of("ebgp-" + kind.operatorName(), ipv4(EBGP), ROUTER_AS).withIpv4AndIpv6())
                .withPeer(SpeakerConfig.Peer.of("ibgp-" + kind.operatorName(), ipv4(IBGP), TABBY_AS)));
        Router ebgp = lab.start(kind.create(), EBGP, RouterConfig.of(ipv4(EBGP), ROUTER_AS).withIpv6NextHop(ipv6(EBGP))
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS))
                .withPrefixes(List.of("10.61.0.0/24", "10.61.1.0/24", "fd00:61::/64")));
        Router ibgp = lab.start(kind.create(), IBGP, RouterConfig.of(ipv4(IBGP), TABBY_AS)
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS)).withPrefixes(List.of("10.63.0.0/24")));

        // The router's routes reach Tabby's RIB and kernel.
        Await.until(kind + "'s eBGP session Established in Tabby's /v1/peers",
                () -> tabby.peer(ipv4(EBGP)), TabbySpeaker.Peer::established, lab::logs);
        Await.until("Tabby learns " + kind + "'s IPv4 prefixes over eBGP", () -> Set.copyOf(tabby.routes("ipv4")),
                Set.of(route("10.61.0.0/24", ipv4(EBGP), ROUTER_AS), route("10.61.1.0/24", ipv4(EBGP), ROUTER_AS),
                        route("10.63.0.0/24", ipv4(IBGP)))::equals, lab::logs);
        Await.until("Tabby learns " + kind + "'s IPv6 prefix over the IPv4 session",
                () -> Set.copyOf(tabby.routes("ipv6")), Set.of(route("fd00:61::/64", ipv6(EBGP), ROUTER_AS))::equals, lab::logs);
        Await.until("Tabby installs the IPv4 routes via the routers (proto 83)", () -> tabby.kernelRoutes("ipv4"),
                Map.of("10.61.0.0/24", ipv4(EBGP), "10.61.1.0/24", ipv4(EBGP), "10.63.0.0/24", ipv4(IBGP))::equals, lab::logs);
        Await.until("Tabby installs the IPv6 route via the router (proto 83)", () -> tabby.kernelRoutes("ipv6"),
                Map.of("fd00:61::/64", ipv6(EBGP))::equals, lab::logs);
        assertEquals(Router.ESTABLISHED, ebgp.sessionState(ipv4(TABBY)));

        // Tabby's originated routes reach both routers: eBGP with Tabby's AS prepended, iBGP with an empty AS path.
        tabby.originate("ipv4", List.of("10.71.0.0/24", "10.71.1.0/24"));
        tabby.originate("ipv6", List.of("fd00:71::/64"));
        Await.until(kind + " learns Tabby's IPv4 prefixes over eBGP", () -> set(ebgp.routes(Afi.IPV4)),
                Set.of(learned("10.71.0.0/24", ipv4(TABBY), TABBY_AS), learned("10.71.1.0/24", ipv4(TABBY), TABBY_AS))::equals,
                lab::logs);
        Await.until(kind + " learns Tabby's IPv6 prefix with Tabby's IPv6 address as next hop",
                () -> set(ebgp.routes(Afi.IPV6)), Set.of(learned("fd00:71::/64", ipv6(TABBY), TABBY_AS))::equals, lab::logs);
        Await.until(kind + " learns Tabby's IPv4 prefixes over iBGP", () -> set(ibgp.routes(Afi.IPV4)),
                Set.of(learned("10.71.0.0/24", ipv4(TABBY)), learned("10.71.1.0/24", ipv4(TABBY)))::equals, lab::logs);

        // Withdrawals, router to Tabby: gone from the RIB and from the kernel.
        ebgp.withdraw(List.of("10.61.1.0/24", "fd00:61::/64"));
        ibgp.withdraw(List.of("10.63.0.0/24"));
        Await.until("Tabby sees " + kind + "'s IPv4 withdrawals", () -> Set.copyOf(tabby.routes("ipv4")),
                Set.of(route("10.61.0.0/24", ipv4(EBGP), ROUTER_AS))::equals, lab::logs);
        Await.until("Tabby sees " + kind + "'s IPv6 withdrawal", () -> tabby.routes("ipv6"), List::isEmpty, lab::logs);
        Await.until("Tabby removes the withdrawn IPv4 routes from the kernel", () -> tabby.kernelRoutes("ipv4"),
                Map.of("10.61.0.0/24", ipv4(EBGP))::equals, lab::logs);
        Await.until("Tabby removes the withdrawn IPv6 route from the kernel", () -> tabby.kernelRoutes("ipv6"),
                Map::isEmpty, lab::logs);

        // Withdrawals, Tabby to the routers.
        tabby.withdraw("ipv4", List.of("10.71.1.0/24"));
        tabby.withdraw("ipv6", List.of("fd00:71::/64"));
        Await.until(kind + " sees Tabby's IPv4 withdrawal over eBGP", () -> set(ebgp.routes(Afi.IPV4)),
                Set.of(learned("10.71.0.0/24", ipv4(TABBY), TABBY_AS))::equals, lab::logs);
        Await.until(kind + " sees Tabby's IPv6 withdrawal", () -> ebgp.routes(Afi.IPV6), List::isEmpty, lab::logs);
        Await.until(kind + " sees Tabby's IPv4 withdrawal over iBGP", () -> set(ibgp.routes(Afi.IPV4)),
                Set.of(learned("10.71.0.0/24", ipv4(TABBY)))::equals, lab::logs);
        assertTrue(tabby.peer(ipv4(IBGP)).established(), "the iBGP session went down: " + tabby.peer(ipv4(IBGP)));
    }

    private static TabbySpeaker.Route route(String prefix, String nextHop, Long... asPath) {
        return new TabbySpeaker.Route(prefix, nextHop, List.of(asPath));
    }

    private static LearnedRoute learned(String prefix, String nextHop, Long... asPath) {
        return new LearnedRoute(prefix, nextHop, List.of(asPath));
    }

    private static Set<LearnedRoute> set(List<LearnedRoute> routes) {
        return new HashSet<>(routes);
    }
}
