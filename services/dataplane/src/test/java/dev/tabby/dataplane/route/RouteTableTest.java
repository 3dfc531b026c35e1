package dev.tabby.dataplane.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.testing.FakeRouteKernel;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.netlink.raw.Errno;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final int DEV = 7;
    private final FakeRouteKernel kernel = new FakeRouteKernel();

    private RouteTable table() {
        return new RouteTable(kernel, Route.MAIN_TABLE, RouteProtocol.VXLAN, IpFamilies.BOTH);
    }

    private static Route via(String dst, String gw) {
        return Route.via(Cidr.parse(dst), gw == null ? null : IpAddress.parse(gw), DEV, RouteProtocol.VXLAN);
    }

    private static Route staticRoute(String dst) {
        return Route.via(Cidr.parse(dst), null, DEV, RouteProtocol.STATIC);
    }

    private Set<String> kernelRoutes() {
        return kernel.routes().stream().map(Route::toString).collect(Collectors.toSet());
    }

    @Test
    void firstApplyProgramsTheDesiredRoutesAndASecondWritesNothing() {
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.setRoute(via("10.65.2.0/26", "10.0.0.3"));
        ApplyResult first = t.apply();
        assertTrue(first.ok(), first.summary());
        assertEquals(2, first.writes());
        assertEquals(Set.of("10.65.1.0/26 via 10.0.0.2 dev #7 proto 81", "10.65.2.0/26 via 10.0.0.3 dev #7 proto 81"),
                kernelRoutes());

        assertEquals(0, t.apply().writes());
        t.queueResync();
        assertEquals(0, t.apply().writes(), "a resync of an unchanged table writes nothing");
    }

    @Test
    void oneApplyIsOneBatchAndNoneWhenNothingIsPending() {
        RouteTable t = table();
        for (int i = 0; i < 300; i++) {
            t.setRoute(via("10.65." + i / 4 + "." + (i % 4) * 64 + "/26", "10.0.0.2"));
        }
        assertTrue(t.apply().ok());
        assertEquals(1, kernel.batches());
        assertEquals(300, kernel.routes().size());

        // A delete and a replace: still one batch.
        t.removeRoute(Cidr.parse("10.65.0.0/26"));
        t.setRoute(via("10.65.0.64/26", "10.0.0.9"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(2, r.writes());
        assertEquals(2, kernel.batches());

        assertEquals(0, t.apply().writes());
        assertEquals(2, kernel.batches(), "nothing pending: no batch at all");
    }

    @Test
    void theDriversTableAndProtocolWinOverTheCallers() {
        RouteTable t = new RouteTable(kernel, 100, RouteProtocol.BGP, IpFamilies.IPV4);
        t.setRoute(Route.via(Cidr.parse("10.65.1.0/26"), null, DEV, RouteProtocol.STATIC));
        t.apply();
        Route written = kernel.routes().get(0);
        assertEquals(100, written.table());
        assertEquals(RouteProtocol.BGP, written.protocol());
    }

    @Test
    void driftIsRepairedOnResync() {
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.setRoute(via("10.65.2.0/26", "10.0.0.3"));
        t.apply();

        kernel.removeByHand(r -> r.destination().equals(Cidr.parse("10.65.1.0/26")));
        kernel.install(via("10.65.2.0/26", "10.0.0.99"));
        kernel.install(via("10.65.3.0/26", "10.0.0.4"));
        assertEquals(0, t.apply().writes(), "drift is not seen before a resync");

        t.queueResync();
        ApplyResult repair = t.apply();
        assertTrue(repair.ok(), repair.summary());
        assertEquals(3, repair.writes());
        assertEquals(Set.of("10.65.1.0/26 via 10.0.0.2 dev #7 proto 81", "10.65.2.0/26 via 10.0.0.3 dev #7 proto 81"),
                kernelRoutes());
    }

    @Test
    void foreignRoutesAreNeverTouched() {
        kernel.install(staticRoute("10.65.9.0/26"));
        kernel.install(staticRoute("10.65.1.0/26").withMetric(50));
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());

        t.removeRoute(Cidr.parse("10.65.1.0/26"));
        t.queueResync();
        t.apply();
        assertEquals(Set.of("10.65.9.0/26 dev #7 proto 4", "10.65.1.0/26 dev #7 proto 4 metric 50"), kernelRoutes());
    }

    @Test
    void aForeignRouteHoldingTheSameSlotIsReportedNotReplaced() {
        kernel.install(staticRoute("10.65.1.0/26"));
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.setRoute(via("10.65.2.0/26", "10.0.0.3"));
        ApplyResult r = t.apply();
        assertEquals(1, r.writes());
        assertEquals(1, r.failures().size());
        String error = r.failures().get(0).error();
        assertTrue(error.contains("installed by proto 4") && error.contains("does not replace routes it does not own"),
                error);
        assertTrue(kernelRoutes().contains("10.65.1.0/26 dev #7 proto 4"));
    }

    @Test
    void anUnknownRouteOfOursInTheSlotIsTakenOver() {
        RouteTable t = table();
        t.apply();
        // Written by a previous run after this instance's resync: add says EEXIST, the holder is ours.
        kernel.install(via("10.65.1.0/26", "10.0.0.9"));
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("10.65.1.0/26 via 10.0.0.2 dev #7 proto 81"), kernelRoutes());
    }

    @Test
    void aRestartedDriverAdoptsItsRoutesAndRemovesStaleOnes() {
        RouteTable before = table();
        before.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        before.setRoute(via("10.65.2.0/26", "10.0.0.3"));
        before.apply();

        RouteTable after = table();
        after.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        ApplyResult r = after.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(1, r.writes(), "only the stale route is deleted; the kept one is adopted as is");
        assertEquals(Set.of("10.65.1.0/26 via 10.0.0.2 dev #7 proto 81"), kernelRoutes());
    }

    @Test
    void oneBadRouteDoesNotStopTheOthers() {
        kernel.failWrites(r -> r.destination().equals(Cidr.parse("10.65.2.0/26")), Errno.ENETUNREACH);
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.setRoute(via("10.65.2.0/26", "10.0.0.3"));
        t.setRoute(via("10.65.3.0/26", "10.0.0.4"));
        ApplyResult r = t.apply();
        assertEquals(2, r.writes());
        assertEquals(1, r.failures().size());
        ApplyResult.Failure f = r.failures().get(0);
        assertEquals("routes table 254 proto 81", f.driver());
        assertTrue(f.error().contains("10.65.2.0/26 via 10.0.0.3 dev #7 proto 81: ENETUNREACH"), f.error());
        assertEquals(1, t.pendingCount());

        kernel.clearFaults();
        ApplyResult retry = t.apply();
        assertTrue(retry.ok());
        assertEquals(1, retry.writes());
        assertEquals(3, kernel.routes().size());
    }

    @Test
    void aMetricChangeAddsTheNewRouteBeforeDeletingTheOld() {
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.apply();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2").withMetric(20));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("10.65.1.0/26 via 10.0.0.2 dev #7 proto 81 metric 20"), kernelRoutes());
    }

    @Test
    void aRouteDeletedByHandBeforeOurDeleteIsSimplyGone() {
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.apply();
        kernel.removeByHand(r -> true);
        t.removeRoute(Cidr.parse("10.65.1.0/26"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(0, t.pendingCount());
    }

    @Test
    void ipv6RoutesCompareInTheKernelsFormSoResyncIsQuiet() {
        RouteTable t = table();
        t.setRoute(Route.via(Cidr.parse("fd00:65:1::/64"), IpAddress.parse("fd00::2"), DEV, 0));
        t.setRoute(Route.blackhole(Cidr.parse("fd00:65:2::/64"), 0));
        assertTrue(t.apply().ok());
        t.queueResync();
        assertEquals(0, t.apply().writes());
        assertTrue(kernelRoutes().contains("fd00:65:1::/64 via fd00::2 dev #7 proto 81 metric 1024"), kernelRoutes().toString());
    }

    @Test
    void duplicateRoutesOfOursAtOneDestinationAreReducedToOne() {
        kernel.install(via("10.65.1.0/26", "10.0.0.2"));
        kernel.install(via("10.65.1.0/26", "10.0.0.2").withMetric(5));
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2").withMetric(5));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("10.65.1.0/26 via 10.0.0.2 dev #7 proto 81 metric 5"), kernelRoutes());
    }

    @Test
    void aFamilyTheTableDoesNotOwnIsRefused() {
        RouteTable v4 = new RouteTable(kernel, Route.MAIN_TABLE, RouteProtocol.VXLAN, IpFamilies.IPV4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v4.setRoute(Route.via(Cidr.parse("fd00::/64"), null, DEV, 0)));
        assertTrue(e.getMessage().contains("owns IPV4 routes only"), e.getMessage());
    }

    @Test
    void aFailedDumpWritesNothingAndIsRetried() {
        kernel.failNextDump(Errno.ENOBUFS);
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        ApplyResult r = t.apply();
        assertFalse(r.ok());
        assertEquals(0, kernel.writes());
        assertTrue(t.apply().ok());
        assertEquals(1, kernel.writes());
    }

    @Test
    void replaceAllRoutesDropsTheUnnamed() {
        RouteTable t = table();
        t.setRoute(via("10.65.1.0/26", "10.0.0.2"));
        t.setRoute(via("10.65.2.0/26", "10.0.0.3"));
        t.apply();
        t.replaceAllRoutes(List.of(via("10.65.2.0/26", "10.0.0.3"), via("10.65.3.0/26", "10.0.0.4")));
        assertTrue(t.apply().ok());
        assertEquals(Set.of("10.65.2.0/26 via 10.0.0.3 dev #7 proto 81", "10.65.3.0/26 via 10.0.0.4 dev #7 proto 81"),
                kernelRoutes());
        assertEquals(2, t.desiredRoutes().size());
    }
}
