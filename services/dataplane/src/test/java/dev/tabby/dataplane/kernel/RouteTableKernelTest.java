package dev.tabby.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.dataplane.route.RouteKernel;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.dataplane.testing.VxlanNamespace;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.netlink.RouteType;
import dev.tabby.netlink.testing.IpOracle;
import dev.tabby.netlink.testing.NamespaceExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RouteTable against a real kernel, in a namespace of its own; {@code ip -j} is the oracle. */
class RouteTableKernelTest {
    private static final String PROTO_VXLAN = String.valueOf(RouteProtocol.VXLAN);
    private static final String PROTO_STATIC = String.valueOf(RouteProtocol.STATIC);

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private VxlanNamespace node;
    private IpOracle oracle;

    @BeforeEach
    void node() {
        node = VxlanNamespace.create(netns);
        oracle = node.ns.oracle();
    }

    private RouteTable table() {
        return new RouteTable(RouteKernel.of(node.netlink), Route.MAIN_TABLE, RouteProtocol.VXLAN, IpFamilies.BOTH);
    }

    /** A route to a remote block through its VTEP, as vxlan-manager writes it. */
    private Route viaVtep(String block, String vtep) {
        return Route.via(Cidr.parse(block), IpAddress.parse(vtep), node.vxlanIndex, RouteProtocol.VXLAN)
                .withOnlink(true);
    }

    private static void assertOk(ApplyResult r) {
        assertTrue(r.ok(), r.summary());
    }

    private Optional<Map<String, Object>> route(String dst) {
        return oracle.route("main", dst);
    }

    private List<String> routesOf(String protocol) {
        return Stream.concat(oracle.routes("main").stream(), oracle.routes6("main").stream())
                .filter(r -> protocol.equals(r.get("protocol")))
                .map(r -> r.get("dst") + (r.containsKey("gateway") ? " via " + r.get("gateway") : ""))
                .sorted()
                .collect(Collectors.toList());
    }

    @Test
    void routesAppearAsProgrammedAndAnUnchangedTableResyncsWithoutWrites() {
        RouteTable t = table();
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(Route.via(Cidr.parse("10.65.2.7/32"), null, node.vxlanIndex, 0));
        t.setRoute(Route.blackhole(Cidr.parse("10.65.3.0/26"), 0));
        t.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        t.setRoute(Route.blackhole(Cidr.parse("fd00:65:3::/64"), 0));
        ApplyResult first = t.apply();
        assertOk(first);
        assertEquals(5, first.writes());

        Map<String, Object> v4 = route("10.65.1.0/26").orElseThrow();
        assertEquals("10.244.0.1", v4.get("gateway"));
        assertEquals(PROTO_VXLAN, v4.get("protocol"));
        assertEquals(List.of("onlink"), v4.get("flags"));
        assertEquals("fd00:244::1", route("fd00:65:1::/64").orElseThrow().get("gateway"));
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1", "10.65.2.7", "10.65.3.0/26", "fd00:65:1::/64 via fd00:244::1",
                "fd00:65:3::/64"), routesOf(PROTO_VXLAN));

        t.queueResync();
        ApplyResult resync = t.apply();
        assertOk(resync);
        assertEquals(0, resync.writes(), "what we wrote reads back equal, so nothing is rewritten");
    }

    @Test
    void aRouteDeletedByHandComesBackOnResync() {
        RouteTable t = table();
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        assertOk(t.apply());

        node.ip("route", "del", "10.65.1.0/26", "proto", PROTO_VXLAN);
        node.ip("-6", "route", "del", "fd00:65:1::/64", "proto", PROTO_VXLAN);
        assertEquals(List.of(), routesOf(PROTO_VXLAN));

        t.queueResync();
        ApplyResult repair = t.apply();
        assertOk(repair);
        assertEquals(2, repair.writes());
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1", "fd00:65:1::/64 via fd00:244::1"), routesOf(PROTO_VXLAN));
    }

    @Test
    void aRouteOfOursChangedByHandIsPutBack() {
        RouteTable t = table();
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        assertOk(t.apply());

        node.ip("route", "replace", "10.65.1.0/26", "via", "10.244.9.9", "dev", VxlanNamespace.VXLAN, "onlink",
                "proto", PROTO_VXLAN);
        node.ip("-6", "route", "replace", "fd00:65:1::/64", "via", "fd00:244::99", "dev", VxlanNamespace.VXLAN,
                "onlink", "proto", PROTO_VXLAN);
        t.queueResync();
        assertOk(t.apply());
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1", "fd00:65:1::/64 via fd00:244::1"), routesOf(PROTO_VXLAN));
    }

    @Test
    void foreignRoutesInTheSameTableAreLeftAlone() {
        String dev = VxlanNamespace.VXLAN;
        node.ip("route", "add", "10.65.9.0/26", "dev", dev, "proto", "static");
        node.ip("route", "add", "10.65.1.0/26", "dev", dev, "proto", "static", "metric", "100");
        node.ip("route", "add", "10.65.2.0/26", "dev", dev, "proto", "static");
        node.ip("-6", "route", "add", "fd00:65:9::/64", "dev", dev, "proto", "static");
        node.ip("-6", "route", "add", "fd00:65:1::/64", "dev", dev, "proto", "static", "metric", "100");
        List<String> foreign = routesOf(PROTO_STATIC);

        RouteTable t = table();
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        // Same destination and metric as a static route: ours must not take its place.
        t.setRoute(viaVtep("10.65.2.0/26", "10.244.0.2"));
        ApplyResult r = t.apply();
        assertEquals(2, r.writes());
        assertEquals(1, r.failures().size(), r.summary());
        assertTrue(r.failures().get(0).error().contains("installed by proto 4"), r.summary());
        assertEquals(foreign, routesOf(PROTO_STATIC));

        // Letting go of every route of ours still leaves the static ones, even at the same destinations.
        t.replaceAllRoutes(List.of());
        t.queueResync();
        assertOk(t.apply());
        assertEquals(List.of(), routesOf(PROTO_VXLAN));
        assertEquals(foreign, routesOf(PROTO_STATIC));
    }

    @Test
    void aRestartedDriverAdoptsItsRoutesAndRemovesStaleOnes() {
        RouteTable before = table();
        before.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        before.setRoute(viaVtep("10.65.2.0/26", "10.244.0.2"));
        before.setRoute(viaVtep("10.65.3.0/26", "10.244.0.3"));
        before.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        before.setRoute(viaVtep("fd00:65:2::/64", "fd00:244::2"));
        assertOk(before.apply());
        node.ip("route", "add", "10.65.9.0/26", "dev", VxlanNamespace.VXLAN, "proto", "static");

        RouteTable after = table();
        after.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        after.setRoute(viaVtep("10.65.2.0/26", "10.244.0.22"));
        after.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        ApplyResult r = after.apply();
        assertOk(r);
        assertEquals(3, r.writes(), "one replace, two deletes; the unchanged routes are adopted as they are");
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1", "10.65.2.0/26 via 10.244.0.22",
                "fd00:65:1::/64 via fd00:244::1"), routesOf(PROTO_VXLAN));
        assertEquals(List.of("10.65.9.0/26"), routesOf(PROTO_STATIC));
    }

    @Test
    void aRouteTheKernelRefusesFailsAloneWithTheKernelsReason() {
        RouteTable t = table();
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(Route.via(Cidr.parse("10.65.2.0/26"), null, 9999, 0));
        t.setRoute(viaVtep("fd00:65:1::/64", "fd00:244::1"));
        ApplyResult r = t.apply();
        assertEquals(2, r.writes());
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).error().contains("ENODEV"), r.summary());
        assertEquals(1, t.pendingCount());
    }

    @Test
    void aMetricChangeAddsTheNewRouteThenDeletesTheOld() {
        RouteTable t = table();
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(viaVtep("10.65.2.0/26", "10.244.0.2"));
        assertOk(t.apply());

        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1").withMetric(100));
        ApplyResult r = t.apply();
        assertOk(r);
        assertEquals(2, r.writes(), "the add at the new metric and the delete at the old one");
        List<Map<String, Object>> ours = oracle.routes("main").stream()
                .filter(x -> PROTO_VXLAN.equals(x.get("protocol")) && "10.65.1.0/26".equals(x.get("dst")))
                .toList();
        assertEquals(1, ours.size(), ours.toString());
        assertEquals(100, ((Number) ours.get(0).get("metric")).intValue());
        t.queueResync();
        assertEquals(0, t.apply().writes(), "no stray left at the old metric");
    }

    @Test
    void aRouteOfOursAddedBehindTheDriversBackIsTakenOverAfterEexist() {
        RouteTable t = table();
        assertOk(t.apply()); // the first resync, of an empty table
        node.ip("route", "add", "10.65.1.0/26", "via", "10.244.9.9", "dev", VxlanNamespace.VXLAN, "onlink",
                "proto", PROTO_VXLAN);

        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(viaVtep("10.65.2.0/26", "10.244.0.2"));
        ApplyResult r = t.apply();
        assertOk(r);
        assertEquals(2, r.writes());
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1", "10.65.2.0/26 via 10.244.0.2"), routesOf(PROTO_VXLAN));
    }

    @Test
    void aSecondTableOfAnotherProtocolDoesNotSeeOurs() {
        RouteTable vxlan = table();
        vxlan.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        assertOk(vxlan.apply());

        RouteTable bgp = new RouteTable(RouteKernel.of(node.netlink), Route.MAIN_TABLE, RouteProtocol.BGP,
                IpFamilies.IPV4);
        bgp.setRoute(Route.blackhole(Cidr.parse("10.65.8.0/26"), 0));
        assertOk(bgp.apply());
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1"), routesOf(PROTO_VXLAN));
        assertEquals(List.of("10.65.8.0/26"), routesOf(String.valueOf(RouteProtocol.BGP)));
    }

    /**
     * Felix's routes on vxlan.calico carry proto 3 (boot); with removeExternalRoutes for ^vxlan.calico$
     * (int_dataplane.go, routetable/route_table.go "incorrect protocol") it owns them all. A host migrated from Calico
     * converges: the one at a destination we want is replaced by ours, the one we do not want is deleted; proto 3
     * routes via another device are never touched.
     */
    @Test
    void onAnOwnedDeviceEveryRouteIsOursWhateverItsProtocolAndOtherDevicesKeepTheirs() {
        String boot = String.valueOf(RouteProtocol.BOOT);
        node.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        node.ip("addr", "add", "10.250.0.1/24", "dev", "eth0");
        node.ip("link", "set", "eth0", "up");
        node.ip("link", "set", "eth0p", "up");
        String dev = VxlanNamespace.VXLAN;
        node.ip("route", "add", "10.65.1.0/26", "via", "10.244.0.9", "dev", dev, "onlink", "proto", "boot");
        node.ip("route", "add", "10.65.5.0/26", "via", "10.244.0.5", "dev", dev, "onlink", "proto", "boot");
        node.ip("route", "add", "10.65.6.0/26", "via", "10.250.0.2", "dev", "eth0", "proto", "boot");

        RouteTable t = new RouteTable(RouteKernel.of(node.netlink), Route.MAIN_TABLE, RouteProtocol.VXLAN,
                IpFamilies.IPV4);
        t.ownAllRoutesOnLink(node.vxlanIndex);
        t.setRoute(viaVtep("10.65.1.0/26", "10.244.0.1"));
        t.setRoute(viaVtep("10.65.2.0/26", "10.244.0.2"));
        t.setRoute(Route.blackhole(Cidr.parse("10.65.3.0/26"), 0));
        ApplyResult r = t.apply();
        assertOk(r);
        assertEquals(4, r.writes(), "one replace of a boot route, one delete, two adds: " + r.summary());
        assertEquals(List.of("10.65.1.0/26 via 10.244.0.1", "10.65.2.0/26 via 10.244.0.2", "10.65.3.0/26"),
                routesOf(PROTO_VXLAN));
        assertEquals(List.of("10.65.6.0/26 via 10.250.0.2"), routesOf(boot), "the boot route via eth0 is not ours");
        // The oracle runs ip -N: the type is RTN_BLACKHOLE's number.
        assertEquals(String.valueOf(RouteType.BLACKHOLE), route("10.65.3.0/26").orElseThrow().get("type"));

        // Converged: a resync of the whole table writes nothing, and a boot route added on the device again goes.
        t.queueResync();
        assertEquals(0, t.apply().writes());
        node.ip("route", "add", "10.65.5.0/26", "dev", dev, "proto", "boot");
        t.queueResync();
        assertOk(t.apply());
        assertEquals(List.of("10.65.6.0/26 via 10.250.0.2"), routesOf(boot));

        // Without the device's ownership, a boot route there is someone else's again.
        t.ownAllRoutesOnLink(0);
        node.ip("route", "add", "10.65.5.0/26", "dev", dev, "proto", "boot");
        assertOk(t.apply());
        assertEquals(List.of("10.65.5.0/26", "10.65.6.0/26 via 10.250.0.2"), routesOf(boot));
    }
}
