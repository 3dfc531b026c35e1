package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.IpOracle;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RouteTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private TestNamespace ns;
    private Netlink nl;
    private IpOracle oracle;
    private int tv0;

    @BeforeEach
    void setUp() {
        ns = netns.create();
        nl = ns.netlink();
        oracle = ns.oracle();
        tv0 = Fixtures.vethPair(nl).index();
    }

    private static Cidr cidr(String s) {
        return Cidr.parse(s);
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private Route only(RouteFilter f) {
        List<Route> found = nl.routeList(f);
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void viaGatewayIpv4AndIpv6() {
        nl.routeAdd(Route.via(cidr("10.1.0.0/26"), ip("10.0.0.2"), tv0, RouteProtocol.VXLAN));
        nl.routeAdd(Route.via(cidr("fd00:1::/64"), ip("fd00::2"), tv0, RouteProtocol.VXLAN));

        Map<String, Object> v4 = oracle.route("main", "10.1.0.0/26").orElseThrow();
        assertEquals("10.0.0.2", v4.get("gateway"));
        assertEquals("tv0", v4.get("dev"));
        assertEquals("81", v4.get("protocol"));
        assertEquals("0", v4.get("scope"));
        assertEquals("1", v4.get("type"));
        Map<String, Object> v6 = oracle.route("main", "fd00:1::/64").orElseThrow();
        assertEquals("fd00::2", v6.get("gateway"));
        assertEquals("81", v6.get("protocol"));

        List<Route> ours = nl.routeList(RouteFilter.protocolInTable(RouteProtocol.VXLAN, Route.MAIN_TABLE));
        assertEquals(2, ours.size(), ours.toString());
        Route r4 = only(RouteFilter.protocolInTable(81, 254).withFamily(Family.INET));
        assertEquals(Route.via(cidr("10.1.0.0/26"), ip("10.0.0.2"), tv0, 81), r4, "reads back equal to what was written");
        Route r6 = only(RouteFilter.protocolInTable(81, 254).withFamily(Family.INET6));
        assertEquals(ip("fd00::2"), r6.gateway());
        assertEquals(tv0, r6.linkIndex());
        assertEquals(1024, r6.metric(), "the kernel's default IPv6 metric");
        assertEquals(((Number) v6.get("metric")).intValue(), r6.metric());

        nl.routeDel(r4);
        nl.routeDel(Route.via(cidr("fd00:1::/64"), ip("fd00::2"), tv0, RouteProtocol.VXLAN));
        assertTrue(oracle.route("main", "10.1.0.0/26").isEmpty());
        assertTrue(oracle.route("main", "fd00:1::/64").isEmpty());
        assertTrue(nl.routeList(RouteFilter.protocolInTable(81, 254)).isEmpty());
    }

    @Test
    void deviceRouteWithSourceMetricAndScope() {
        Route r = Route.via(cidr("10.2.0.0/24"), null, tv0, RouteProtocol.CNI).withSource(ip("10.0.0.1")).withMetric(100);
        nl.routeAdd(r);

        Map<String, Object> o = oracle.route("main", "10.2.0.0/24").orElseThrow();
        assertNull(o.get("gateway"));
        assertEquals("tv0", o.get("dev"));
        assertEquals("253", o.get("scope"));
        assertEquals("10.0.0.1", o.get("prefsrc"));
        assertEquals(100, o.get("metric"));
        assertEquals("80", o.get("protocol"));
        assertEquals(r, only(RouteFilter.ALL.withDestination(cidr("10.2.0.0/24"))));

        nl.routeAdd(Route.via(cidr("10.0.0.99/32"), null, tv0, RouteProtocol.CNI));
        assertEquals("253", oracle.route("main", "10.0.0.99/32").orElseThrow().get("scope"));

        Route r6 = Route.via(cidr("fd00:2::5/128"), null, tv0, RouteProtocol.CNI).withMetric(1024);
        nl.routeAdd(r6);
        assertEquals("tv0", oracle.route("main", "fd00:2::5/128").orElseThrow().get("dev"));
        assertEquals(r6, only(RouteFilter.ALL.withDestination(cidr("fd00:2::5/128"))), "an IPv6 device route reads back equal");
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlinkGatewayOutsideAnySubnet() {
        Route r = Route.via(cidr("10.3.0.0/24"), ip("192.168.99.1"), tv0, RouteProtocol.IPIP).withOnlink(true);
        nl.routeAdd(r);

        Map<String, Object> o = oracle.route("main", "10.3.0.0/24").orElseThrow();
        assertEquals("192.168.99.1", o.get("gateway"));
        assertTrue(((List<String>) o.get("flags")).contains("onlink"), o.toString());
        Route back = only(RouteFilter.ALL.withDestination(cidr("10.3.0.0/24")));
        assertTrue(back.onlink());
        assertEquals(r, back);

        Route r6 = Route.via(cidr("fd00:3::/64"), ip("fd99::1"), tv0, RouteProtocol.IPIP).withOnlink(true).withMetric(1024);
        nl.routeAdd(r6);
        assertTrue(((List<String>) oracle.route("main", "fd00:3::/64").orElseThrow().get("flags")).contains("onlink"));
        assertEquals(r6, only(RouteFilter.ALL.withDestination(cidr("fd00:3::/64"))));
    }

    @Test
    void blackholesIpv4AndIpv6() {
        nl.routeAdd(Route.blackhole(cidr("10.4.0.0/26"), RouteProtocol.BGP));
        nl.routeAdd(Route.blackhole(cidr("fd00:4::/122"), RouteProtocol.BGP));

        assertEquals("6", oracle.route("main", "10.4.0.0/26").orElseThrow().get("type"));
        assertEquals("6", oracle.route("main", "fd00:4::/122").orElseThrow().get("type"));
        Route b4 = only(RouteFilter.ALL.withDestination(cidr("10.4.0.0/26")));
        assertEquals(RouteType.BLACKHOLE, b4.type());
        assertEquals(RouteProtocol.BGP, b4.protocol());
        assertEquals(RouteType.BLACKHOLE, only(RouteFilter.ALL.withDestination(cidr("fd00:4::/122"))).type());

        nl.routeDel(Route.blackhole(cidr("10.4.0.0/26"), RouteProtocol.BGP));
        nl.routeDel(Route.blackhole(cidr("fd00:4::/122"), RouteProtocol.BGP));
        assertTrue(oracle.route("main", "10.4.0.0/26").isEmpty());
        assertTrue(oracle.route("main", "fd00:4::/122").isEmpty());
    }

    @Test
    void tablesBelowAndAbove256() {
        nl.routeAdd(Route.via(cidr("10.5.0.0/24"), ip("10.0.0.2"), tv0, 81).withTable(100));
        nl.routeAdd(Route.via(cidr("10.5.0.0/24"), ip("10.0.0.2"), tv0, 81).withTable(300));
        nl.routeAdd(Route.via(cidr("fd00:5::/64"), ip("fd00::2"), tv0, 81).withTable(70000));

        assertTrue(oracle.route("100", "10.5.0.0/24").isPresent());
        assertTrue(oracle.route("300", "10.5.0.0/24").isPresent());
        assertTrue(oracle.routes("all").stream().anyMatch(r -> "10.5.0.0/24".equals(r.get("dst")) && "300".equals(r.get("table"))));
        assertTrue(oracle.route("70000", "fd00:5::/64").isPresent());
        assertTrue(oracle.route("main", "10.5.0.0/24").isEmpty());
        assertEquals(300, only(RouteFilter.protocolInTable(81, 300)).table());
        assertEquals(100, only(RouteFilter.protocolInTable(81, 100)).table());
        assertEquals(70000, only(RouteFilter.protocolInTable(81, 70000)).table());
        assertEquals(3, nl.routeList(new RouteFilter(null, null, 81, null, null)).size());

        nl.routeDel(Route.via(cidr("10.5.0.0/24"), ip("10.0.0.2"), tv0, 81).withTable(300));
        assertTrue(oracle.route("300", "10.5.0.0/24").isEmpty());
        assertTrue(oracle.route("100", "10.5.0.0/24").isPresent(), "only table 300's copy went");
    }

    @Test
    void anyProtocolNumber() {
        int[] protocols = {0, 17, 200, 255};
        for (int i = 0; i < protocols.length; i++) {
            nl.routeAdd(Route.via(cidr("10.6." + i + ".0/24"), ip("10.0.0.2"), tv0, protocols[i]));
        }
        for (int i = 0; i < protocols.length; i++) {
            assertEquals(String.valueOf(protocols[i]), oracle.route("main", "10.6." + i + ".0/24").orElseThrow().get("protocol"));
            assertEquals(protocols[i], only(RouteFilter.ALL.withDestination(cidr("10.6." + i + ".0/24"))).protocol());
        }
        assertEquals(1, nl.routeList(RouteFilter.protocolInTable(255, 254)).size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void multipathIpv4AndIpv6() {
        Route mp4 = new Route(cidr("10.7.0.0/24"), null, 0, null, 254, 83, Scope.UNIVERSE, RouteType.UNICAST, 0, false,
                List.of(new Route.NextHop(ip("10.0.0.2"), tv0, 2, false), new Route.NextHop(ip("10.0.0.3"), tv0, 1, false)));
        Route mp6 = new Route(cidr("fd00:7::/64"), null, 0, null, 254, 83, Scope.UNIVERSE, RouteType.UNICAST, 0, false,
                List.of(new Route.NextHop(ip("fd00::2"), tv0, 1, false), new Route.NextHop(ip("fd00::3"), tv0, 3, false)));
        nl.routeAdd(mp4);
        nl.routeReplace(mp6);

        List<Map<String, Object>> hops4 = (List<Map<String, Object>>) oracle.route("main", "10.7.0.0/24").orElseThrow().get("nexthops");
        assertEquals(2, hops4.size());
        assertEquals("10.0.0.2", hops4.get(0).get("gateway"));
        assertEquals("tv0", hops4.get(0).get("dev"));
        assertEquals(2, hops4.get(0).get("weight"));
        assertEquals("10.0.0.3", hops4.get(1).get("gateway"));
        List<Map<String, Object>> hops6 = (List<Map<String, Object>>) oracle.route("main", "fd00:7::/64").orElseThrow().get("nexthops");
        assertEquals(2, hops6.size(), hops6.toString());
        assertEquals(3, hops6.stream().filter(h -> "fd00::3".equals(h.get("gateway"))).findFirst().orElseThrow().get("weight"));

        assertEquals(mp4, only(RouteFilter.ALL.withDestination(cidr("10.7.0.0/24"))));
        Route back6 = only(RouteFilter.ALL.withDestination(cidr("fd00:7::/64")));
        assertEquals(mp6.nextHops(), back6.nextHops());
        assertEquals(2, nl.routeList(RouteFilter.ALL.withLink(tv0).withFamily(Family.INET)).stream()
                .filter(r -> r.protocol() == 83 || r.destination().equals(cidr("10.0.0.0/24"))).count(),
                "a link filter matches multipath routes through any of their hops");

        nl.routeDel(mp4);
        nl.routeDel(mp6);
        assertTrue(oracle.route("main", "10.7.0.0/24").isEmpty());
        assertTrue(oracle.route("main", "fd00:7::/64").isEmpty());
    }

    @Test
    void replaceChangesTheRouteInPlace() {
        nl.routeReplace(Route.via(cidr("10.8.0.0/24"), ip("10.0.0.2"), tv0, 81));
        nl.routeReplace(Route.via(cidr("10.8.0.0/24"), ip("10.0.0.3"), tv0, 81));
        nl.routeReplace(Route.via(cidr("fd00:8::/64"), ip("fd00::2"), tv0, 81));
        nl.routeReplace(Route.via(cidr("fd00:8::/64"), ip("fd00::3"), tv0, 81));

        assertEquals("10.0.0.3", oracle.route("main", "10.8.0.0/24").orElseThrow().get("gateway"));
        assertEquals(1, oracle.routes("main").stream().filter(r -> "10.8.0.0/24".equals(r.get("dst"))).count());
        assertEquals("fd00::3", oracle.route("main", "fd00:8::/64").orElseThrow().get("gateway"));
        assertEquals(1, oracle.routes6("main").stream().filter(r -> "fd00:8::/64".equals(r.get("dst"))).count());
    }

    @Test
    void filtersSelectWhileParsing() {
        Link other = nl.linkAdd(new Link.Veth(LinkAttrs.named("tv2"), "tv3", null));
        nl.linkSetUp("tv2");
        nl.linkSetUp("tv3");
        nl.routeAdd(Route.via(cidr("10.9.0.0/24"), null, tv0, 81));
        nl.routeAdd(Route.via(cidr("10.9.1.0/24"), null, other.index(), 81));
        nl.routeAdd(Route.via(cidr("10.9.2.0/24"), null, other.index(), 82));
        nl.routeAdd(Route.via(cidr("fd00:9::/64"), null, other.index(), 81));

        assertEquals(3, nl.routeList(RouteFilter.protocolInTable(81, 254)).size());
        assertEquals(2, nl.routeList(RouteFilter.protocolInTable(81, 254).withFamily(Family.INET)).size());
        assertEquals(2, nl.routeList(RouteFilter.protocolInTable(81, 254).withLink(other.index())).size());
        assertEquals(cidr("10.9.2.0/24"), only(RouteFilter.protocolInTable(82, 254)).destination());
        assertEquals(cidr("10.9.1.0/24"), only(RouteFilter.ALL.withDestination(cidr("10.9.1.0/24"))).destination());
        assertTrue(nl.routeList(RouteFilter.ALL.withDestination(cidr("10.9.1.0/25"))).isEmpty(), "destination is exact");
        assertTrue(nl.routeList(RouteFilter.ALL).stream().anyMatch(r -> r.table() == 255), "ALL includes the local table");
        assertTrue(nl.routeList(null).size() >= nl.routeList(RouteFilter.ALL.withFamily(Family.INET6)).size());
        assertFalse(nl.routeList(RouteFilter.ALL.withFamily(Family.INET6)).stream().anyMatch(r -> r.destination().isV4()));
    }

    @Test
    void errorsNameTheRoute() {
        Route r = Route.via(cidr("10.1.0.0/26"), ip("10.0.0.2"), tv0, 81);
        nl.routeAdd(r);

        NetlinkException dup = assertThrows(NetlinkException.class, () -> nl.routeAdd(r));
        assertEquals("EEXIST", dup.errnoName());
        assertEquals("routeAdd", dup.operation());
        assertTrue(dup.getMessage().startsWith("route 10.1.0.0/26 via 10.0.0.2 dev tv0: EEXIST (File exists)"), dup.getMessage());

        NetlinkException unreachable = assertThrows(NetlinkException.class,
                () -> nl.routeAdd(Route.via(cidr("10.1.0.0/26"), ip("10.9.9.9"), tv0, 81).withTable(100)));
        assertEquals("ENETUNREACH", unreachable.errnoName());
        assertEquals(101, unreachable.errno());
        assertTrue(unreachable.getMessage().startsWith(
                "route 10.1.0.0/26 via 10.9.9.9 dev tv0 table 100: ENETUNREACH (Network is unreachable)"), unreachable.getMessage());

        NetlinkException unreachable6 = assertThrows(NetlinkException.class,
                () -> nl.routeAdd(Route.via(cidr("fd00:1::/64"), ip("fd09::9"), tv0, 81)));
        assertEquals("EHOSTUNREACH", unreachable6.errnoName(), "IPv6 says EHOSTUNREACH where IPv4 says ENETUNREACH");
        assertTrue(unreachable6.getMessage().startsWith("route fd00:1::/64 via fd09::9 dev tv0: EHOSTUNREACH (No route to host)"),
                unreachable6.getMessage());

        NetlinkException noDev = assertThrows(NetlinkException.class,
                () -> nl.routeAdd(Route.via(cidr("10.2.0.0/24"), null, 4242, 81)));
        assertEquals("ENODEV", noDev.errnoName());
        assertTrue(noDev.getMessage().startsWith("route 10.2.0.0/24 dev #4242: ENODEV (No such device)"), noDev.getMessage());

        NetlinkException gone4 = assertThrows(NetlinkException.class, () -> nl.routeDel(Route.via(cidr("10.99.0.0/24"), null, tv0, 81)));
        assertEquals("ESRCH", gone4.errnoName());
        assertTrue(gone4.getMessage().startsWith("route 10.99.0.0/24 dev tv0: ESRCH (No such process)"), gone4.getMessage());
        NetlinkException gone6 = assertThrows(NetlinkException.class, () -> nl.routeDel(Route.via(cidr("fd00:99::/64"), null, tv0, 81)));
        assertEquals("ESRCH", gone6.errnoName());
    }
}
