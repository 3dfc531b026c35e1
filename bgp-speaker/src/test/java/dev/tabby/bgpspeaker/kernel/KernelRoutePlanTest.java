package dev.tabby.bgpspeaker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.netlink.RouteType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The plan, case by case from confd's templates (projectcalico/confd release-v3.18, etc/calico/confd/templates/):
 * bird_ipam.cfg.template's {@code calico_kernel_programming}, bird_aggr.cfg.template's static blackholes, and their
 * IPv6 twins. The tunl0 cases are tested here only: this machine's kernel has no ipip module (issue 13 brings a VM).
 */
class KernelRoutePlanTest {
    private static final int ETH0 = 2;
    private static final int ETH1 = 3;
    private static final int TUNL0 = 7;
    /** eth0 holds 10.0.0.5/24 and fd00:10::5/64, eth1 192.168.9.5/24; tunl0 exists. */
    private static final HostFacts HOST = new HostFacts(TUNL0, List.of(
            new ConnectedNetwork(cidr("10.0.0.5/24"), ETH0),
            new ConnectedNetwork(cidr("fd00:10::5/64"), ETH0),
            new ConnectedNetwork(cidr("192.168.9.5/24"), ETH1)));
    private static final List<Cidr> NODE_SUBNETS = List.of(cidr("10.0.0.0/24"), cidr("fd00:10::/64"));

    private static Cidr cidr(String s) {
        return Cidr.parse(s);
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static PoolFacts pool(String cidr, EncapMode ipip, EncapMode vxlan) {
        return new PoolFacts(cidr(cidr), ipip, vxlan, false);
    }

    private static BestRoute learned(String prefix, String nextHop) {
        return BestRoute.learned(cidr(prefix), ip(nextHop));
    }

    private static KernelWants wants(List<BestRoute> routes, List<PoolFacts> pools, List<Cidr> blocks) {
        return new KernelWants(routes, pools, NODE_SUBNETS, blocks, List.of());
    }

    private static KernelRoutePlan plan(List<BestRoute> routes, List<PoolFacts> pools, List<Cidr> blocks) {
        return KernelRoutePlan.compute(wants(routes, pools, blocks), HOST);
    }

    private static Route direct(String prefix, String nextHop, int link) {
        return Route.via(cidr(prefix), ip(nextHop), link, RouteProtocol.BGP);
    }

    private static Route tunnelled(String prefix, String nextHop) {
        return Route.via(cidr(prefix), ip(nextHop), TUNL0, RouteProtocol.BGP).withOnlink(true);
    }

    private static Route blackhole(String block) {
        return Route.blackhole(cidr(block), RouteProtocol.BGP);
    }

    private static List<Cidr> filtered(KernelRoutePlan p) {
        return p.filtered().stream().map(KernelRoutePlan.FilteredRoute::prefix).toList();
    }

    @Test
    void blackholesForEveryAffineBlockButASingleAddressOne() {
        // bird_aggr.cfg.template lines 9-15: route CIDR blackhole; line 12 skips /32; bird6_aggr line 12 skips /128.
        KernelRoutePlan p = plan(List.of(), List.of(pool("10.65.0.0/16", EncapMode.NEVER, EncapMode.NEVER)),
                List.of(cidr("10.65.0.64/26"), cidr("10.65.0.0/26"), cidr("10.65.9.9/32"), cidr("fd00:65::/122"),
                        cidr("fd00:65::1/128")));
        assertEquals(List.of(blackhole("10.65.0.0/26"), blackhole("10.65.0.64/26"), blackhole("fd00:65::/122")),
                p.routes());
        assertEquals(RouteType.BLACKHOLE, p.routes().get(0).type());
        assertEquals(List.of(), p.problems());
    }

    @Test
    void aRouteOutsideEveryPoolGoesDirectlyViaItsNextHop() {
        // bird_ipam.cfg.template line 59: not in any pool, accept; krt_tunnel unset, so via NH on its interface.
        KernelRoutePlan p = plan(List.of(learned("172.16.0.0/16", "10.0.0.2"), learned("10.65.1.0/26", "192.168.9.7")),
                List.of(), List.of());
        assertEquals(List.of(direct("10.65.1.0/26", "192.168.9.7", ETH1), direct("172.16.0.0/16", "10.0.0.2", ETH0)),
                p.routes());
    }

    @Test
    void aRouteCoveringAPoolIsNotInThePool() {
        // net ~ pool means "inside the pool": a wider prefix is outside it (line 59), so no tunnel.
        KernelRoutePlan p = plan(List.of(learned("10.0.0.0/8", "10.0.0.2")),
                List.of(pool("10.65.0.0/16", EncapMode.ALWAYS, EncapMode.NEVER)), List.of());
        assertEquals(List.of(direct("10.0.0.0/8", "10.0.0.2", ETH0)), p.routes());
    }

    @Test
    void vxlanPoolsRoutesAndBlackholesAreLeftToVxlanManager() {
        // bird_ipam.cfg.template lines 40-42: "Don't program VXLAN routes into the kernel"; the filter also sees the
        // static blackholes, so a VXLAN pool's block gets none from BIRD either.
        for (EncapMode vxlan : List.of(EncapMode.ALWAYS, EncapMode.CROSS_SUBNET)) {
            KernelRoutePlan p = plan(List.of(learned("10.66.1.0/26", "10.0.0.2"), learned("10.66.2.5/32", "10.0.0.3")),
                    List.of(pool("10.66.0.0/16", EncapMode.NEVER, vxlan)), List.of(cidr("10.66.0.0/26")));
            assertEquals(List.of(), p.routes(), vxlan.toString());
            assertEquals(List.of(cidr("10.66.0.0/26"), cidr("10.66.1.0/26"), cidr("10.66.2.5/32")), filtered(p));
            assertTrue(p.filtered().get(0).reason().contains("lines 40-42"), p.filtered().get(0).reason());
        }
    }

    @Test
    void ipipAlwaysGoesThroughTunl0OnlinkToTheBgpNextHop() {
        // bird_ipam.cfg.template lines 50-52: krt_tunnel = "tunl0" wherever the next hop is, even on this subnet;
        // projectcalico/bird nl_send_route: RTA_OIF tunl0, RTA_GATEWAY the original next hop, RTNH_F_ONLINK.
        KernelRoutePlan p = plan(List.of(learned("10.65.1.0/26", "10.0.0.2"), learned("10.65.2.0/26", "172.31.0.9")),
                List.of(pool("10.65.0.0/16", EncapMode.ALWAYS, EncapMode.NEVER)), List.of(cidr("10.65.0.0/26")));
        assertEquals(List.of(blackhole("10.65.0.0/26"), tunnelled("10.65.1.0/26", "10.0.0.2"),
                tunnelled("10.65.2.0/26", "172.31.0.9")), p.routes());
        assertTrue(p.routes().get(1).onlink());
        assertEquals(List.of(), p.problems());
    }

    @Test
    void ipipCrossSubnetTunnelsOnlyNextHopsOutsideThisNodesSubnet() {
        // bird_ipam.cfg.template lines 44-49: bgp_next_hop ~ network_v4 (10.0.0.0/24 here) -> krt_tunnel = "".
        KernelRoutePlan p = plan(List.of(learned("10.65.1.0/26", "10.0.0.2"), learned("10.65.2.0/26", "192.168.9.7")),
                List.of(pool("10.65.0.0/16", EncapMode.CROSS_SUBNET, EncapMode.NEVER)), List.of());
        // 192.168.9.7 is on eth1's network but not in the Node's subnet: the template tunnels it all the same.
        assertEquals(List.of(direct("10.65.1.0/26", "10.0.0.2", ETH0), tunnelled("10.65.2.0/26", "192.168.9.7")),
                p.routes());
    }

    @Test
    void ipipNeverPoolsGoDirect() {
        // bird_ipam.cfg.template lines 53-55: krt_tunnel = "" (the pool's ipip interface is empty when IPIP is off).
        KernelRoutePlan p = plan(List.of(learned("10.65.1.0/26", "10.0.0.2")),
                List.of(pool("10.65.0.0/16", EncapMode.NEVER, EncapMode.NEVER)), List.of());
        assertEquals(List.of(direct("10.65.1.0/26", "10.0.0.2", ETH0)), p.routes());
    }

    @Test
    void aDisabledPoolIsStillReadByTheFilter() {
        // The template never reads the pool's "disabled": an IPIP pool's routes stay tunnelled when it is disabled.
        KernelRoutePlan p = plan(List.of(learned("10.65.1.0/26", "10.0.0.2")),
                List.of(new PoolFacts(cidr("10.65.0.0/16"), EncapMode.ALWAYS, EncapMode.NEVER, true)), List.of());
        assertEquals(List.of(tunnelled("10.65.1.0/26", "10.0.0.2")), p.routes());
    }

    @Test
    void withoutTunl0AnIpipRouteIsReportedAndTheOthersStillPlanned() {
        KernelWants w = wants(List.of(learned("10.65.1.0/26", "172.31.0.9"), learned("172.16.0.0/16", "10.0.0.2")),
                List.of(pool("10.65.0.0/16", EncapMode.ALWAYS, EncapMode.NEVER)), List.of(cidr("10.65.0.0/26")));
        KernelRoutePlan p = KernelRoutePlan.compute(w, new HostFacts(0, HOST.connected()));
        assertEquals(List.of(blackhole("10.65.0.0/26"), direct("172.16.0.0/16", "10.0.0.2", ETH0)), p.routes());
        assertEquals(1, p.problems().size());
        KernelRoutePlan.RouteProblem problem = p.problems().get(0);
        assertEquals("10.65.1.0/26 via 172.31.0.9", problem.path());
        assertTrue(problem.reason().startsWith("tunl0 does not exist"), problem.reason());
    }

    @Test
    void aNextHopNoInterfaceReachesIsReportedNotResolvedRecursively() {
        KernelRoutePlan p = plan(List.of(learned("172.16.0.0/16", "172.31.0.9"), learned("172.17.0.0/16", "10.0.0.2")),
                List.of(), List.of());
        assertEquals(List.of(direct("172.17.0.0/16", "10.0.0.2", ETH0)), p.routes());
        assertEquals(1, p.problems().size());
        assertTrue(p.problems().get(0).reason().contains("no interface of this host"), p.problems().get(0).reason());
    }

    @Test
    void aLearnedRouteForThisNodesBlockNeverDisplacesItsBlackhole() {
        // BIRD: static (preference 200) beats BGP (100) for the same prefix, so the kernel keeps the blackhole. A more
        // specific route inside the block (an address another node borrowed) is another prefix: programmed beside it.
        KernelRoutePlan p = plan(List.of(learned("10.65.0.0/26", "10.0.0.2"), learned("10.65.0.7/32", "10.0.0.3")),
                List.of(pool("10.65.0.0/16", EncapMode.ALWAYS, EncapMode.NEVER)), List.of(cidr("10.65.0.0/26")));
        assertEquals(List.of(blackhole("10.65.0.0/26"), tunnelled("10.65.0.7/32", "10.0.0.3")), p.routes());
        assertEquals(List.of(cidr("10.65.0.0/26")), filtered(p));
    }

    @Test
    void aLearnedRouteForAConnectedNetworkIsLeftToTheConnectedRoute() {
        // BIRD's direct protocol (preference 240) wins, and the kernel protocol never exports device routes.
        KernelRoutePlan p = plan(List.of(learned("192.168.9.0/24", "10.0.0.2")), List.of(), List.of());
        assertEquals(List.of(), p.routes());
        assertEquals(List.of(cidr("192.168.9.0/24")), filtered(p));
    }

    @Test
    void serviceCidrsAreNeverProgrammed() {
        // bird_ipam.cfg.template lines 26-36 and bird6_ipam.cfg.template lines 25-35 (/rejectcidrs, /rejectcidrsv6).
        KernelWants w = new KernelWants(List.of(learned("10.96.0.0/12", "10.0.0.2"), learned("10.96.0.10/32", "10.0.0.3"),
                learned("fd00:96::/112", "fd00:10::2"), learned("172.16.0.0/16", "10.0.0.2")), List.of(), NODE_SUBNETS,
                List.of(), List.of(cidr("10.96.0.0/12"), cidr("fd00:96::/108")));
        KernelRoutePlan p = KernelRoutePlan.compute(w, HOST);
        assertEquals(List.of(direct("172.16.0.0/16", "10.0.0.2", ETH0)), p.routes());
        assertEquals(List.of(cidr("10.96.0.0/12"), cidr("10.96.0.10/32"), cidr("fd00:96::/112")), filtered(p));
    }

    @Test
    void ipv6RoutesAreAcceptedDirectlyWhateverThePools() {
        // bird6_ipam.cfg.template lines 24-37: no pool branches, accept.
        KernelRoutePlan p = plan(List.of(learned("fd00:65:1::/122", "fd00:10::2")),
                List.of(pool("fd00:65::/48", EncapMode.NEVER, EncapMode.ALWAYS)), List.of());
        assertEquals(List.of(direct("fd00:65:1::/122", "fd00:10::2", ETH0)), p.routes());
    }

    @Test
    void locallyOriginatedRoutesAreNotProgrammed() {
        KernelRoutePlan p = plan(List.of(BestRoute.local(cidr("10.65.0.0/26")), BestRoute.local(cidr("172.16.0.0/16"))),
                List.of(), List.of());
        assertEquals(List.of(), p.routes());
        assertEquals(List.of(), p.problems());
    }

    @Test
    void pathsToOnePrefixMergeIntoOneMultipathRoute() {
        // bird.cfg.template, protocol kernel: merge paths on.
        KernelRoutePlan p = plan(List.of(learned("172.16.0.0/16", "10.0.0.9"), learned("172.16.0.0/16", "10.0.0.2"),
                learned("172.16.0.0/16", "10.0.0.9")), List.of(), List.of());
        assertEquals(1, p.routes().size());
        Route r = p.routes().get(0);
        assertEquals(cidr("172.16.0.0/16"), r.destination());
        assertEquals(RouteProtocol.BGP, r.protocol());
        assertEquals(List.of(new Route.NextHop(ip("10.0.0.2"), ETH0, 1, false),
                new Route.NextHop(ip("10.0.0.9"), ETH0, 1, false)), r.nextHops());
    }

    @Test
    void aNextHopOfTheOtherFamilyIsReported() {
        KernelRoutePlan p = plan(List.of(learned("172.16.0.0/16", "fd00:10::2")), List.of(), List.of());
        assertEquals(List.of(), p.routes());
        assertTrue(p.problems().get(0).reason().contains("IPv6 but the prefix is IPv4"), p.problems().get(0).reason());
    }

    @Test
    void theMostSpecificInterfaceNetworkCarriesTheNextHop() {
        HostFacts host = new HostFacts(0, List.of(new ConnectedNetwork(cidr("10.0.0.1/16"), ETH1),
                new ConnectedNetwork(cidr("10.0.0.5/24"), ETH0)));
        assertEquals(ETH0, host.linkFor(ip("10.0.0.2")));
        assertEquals(ETH1, host.linkFor(ip("10.0.9.2")));
        assertEquals(0, host.linkFor(ip("10.9.0.2")));
    }

    @Test
    void encapModesAreReadAsCalicosConverterReadsThem() {
        assertEquals(EncapMode.ALWAYS, EncapMode.of("Always"));
        assertEquals(EncapMode.CROSS_SUBNET, EncapMode.of("CrossSubnet"));
        assertEquals(EncapMode.NEVER, EncapMode.of("Never"));
        assertEquals(EncapMode.NEVER, EncapMode.of(null));
        assertEquals(EncapMode.NEVER, EncapMode.of("sometimes"));

        IPPool ipp = new IPPool(ObjectMeta.named("p"),
                new IPPool.Spec("10.65.0.1/16", null, "CrossSubnet", null, true, null, null));
        assertEquals(Optional.of(new PoolFacts(cidr("10.65.0.0/16"), EncapMode.CROSS_SUBNET, EncapMode.NEVER, true)),
                PoolFacts.of(ipp));
        assertEquals(Optional.empty(), PoolFacts.of(new IPPool(ipp.metadata(),
                new IPPool.Spec("not-a-cidr", null, null, null, null, null, null))));
    }
}
