package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.IpOracle;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchTest {
    /** More than one datagram's worth (256 requests), and not a multiple of it. */
    private static final int MANY = 1000;

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

    private static Cidr host(int i) {
        return Cidr.parse("10.65." + (i >> 8) + "." + (i & 0xff) + "/32");
    }

    private Set<String> vxlanRouteDestinations() {
        return oracle.routes("main").stream()
                .filter(r -> "81".equals(r.get("protocol")))
                .map(r -> (String) r.get("dst"))
                .collect(Collectors.toSet());
    }

    private static void assertAllDone(List<Optional<NetlinkException>> outcomes, int expected) {
        assertEquals(expected, outcomes.size());
        List<String> failed = outcomes.stream().flatMap(Optional::stream).map(Throwable::getMessage).toList();
        assertEquals(List.of(), failed);
    }

    @Test
    void thousandRoutesLandExactlyAndGoAgain() {
        NetlinkBatch batch = nl.batch();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < MANY; i++) {
            batch.routeReplace(Route.via(host(i), null, tv0, RouteProtocol.VXLAN));
            expected.add(host(i).address().toString()); // ip prints a host route without its /32
        }
        assertEquals(MANY, batch.size());

        assertAllDone(batch.execute(), MANY);
        assertEquals(0, batch.size(), "an executed batch is empty");
        assertEquals(expected, vxlanRouteDestinations());
        Map<String, Object> one = oracle.route("main", "10.65.3.231/32").orElseThrow();
        assertEquals("tv0", one.get("dev"));
        assertEquals("253", one.get("scope"), "a device route is scope link");

        for (int i = 0; i < MANY; i++) {
            batch.routeDel(Route.via(host(i), null, tv0, RouteProtocol.VXLAN));
        }
        assertAllDone(batch.execute(), MANY);
        assertEquals(Set.of(), vxlanRouteDestinations());

        // The handle's own sequence numbers carry on after a batch.
        nl.routeAdd(Route.via(host(7), null, tv0, RouteProtocol.VXLAN));
        assertEquals(Set.of("10.65.0.7"), vxlanRouteDestinations());
    }

    @Test
    void oneUnknownDeviceFailsAloneAndReadsAsTheSingleCall() {
        Route bad = Route.via(host(5), null, 4242, RouteProtocol.VXLAN);
        NetlinkException single = assertThrows(NetlinkException.class, () -> nl.routeAdd(bad));

        NetlinkBatch batch = nl.batch();
        for (int i = 0; i < 10; i++) {
            batch.routeAdd(i == 5 ? bad : Route.via(host(i), null, tv0, RouteProtocol.VXLAN));
        }
        List<Optional<NetlinkException>> outcomes = batch.execute();

        assertEquals(10, outcomes.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i == 5, outcomes.get(i).isPresent(), "outcome " + i + ": " + outcomes.get(i));
        }
        NetlinkException failed = outcomes.get(5).orElseThrow();
        assertEquals("ENODEV", failed.errnoName());
        assertEquals("routeAdd", failed.operation());
        assertEquals("route 10.65.0.5/32 dev #4242", failed.object());
        assertEquals(single.getMessage(), failed.getMessage());
        assertEquals(single.detail(), failed.detail());
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            if (i != 5) {
                expected.add("10.65.0." + i);
            }
        }
        assertEquals(expected, vxlanRouteDestinations(), "the kernel went on past the refused route");
    }

    @Test
    void existingRouteIsEexistInsideABatch() {
        Route taken = Route.via(host(1), null, tv0, RouteProtocol.VXLAN);
        nl.routeAdd(taken);
        NetlinkException single = assertThrows(NetlinkException.class, () -> nl.routeAdd(taken));

        List<Optional<NetlinkException>> outcomes = nl.batch()
                .routeAdd(Route.via(host(0), null, tv0, RouteProtocol.VXLAN))
                .routeAdd(taken)
                .routeReplace(taken) // replace takes the slot whoever holds it
                .routeAdd(Route.via(host(2), null, tv0, RouteProtocol.VXLAN))
                .execute();

        assertTrue(outcomes.get(0).isEmpty());
        NetlinkException exists = outcomes.get(1).orElseThrow();
        assertEquals("EEXIST", exists.errnoName());
        assertEquals("route 10.65.0.1/32 dev tv0", exists.object());
        assertEquals(single.getMessage(), exists.getMessage());
        assertTrue(outcomes.get(2).isEmpty());
        assertTrue(outcomes.get(3).isEmpty());
        assertEquals(Set.of("10.65.0.0", "10.65.0.1", "10.65.0.2"), vxlanRouteDestinations());
    }

    @Test
    void neighboursAndFdbEntriesInOrderWithAMissingDelete() {
        int vx = nl.linkAdd(new Link.Vxlan(LinkAttrs.named("vxlan.calico"), 4096, 4789, IpAddress.parse("192.168.50.1"),
                0, false, true, false, false)).index();
        List<Neigh> neighbours = new ArrayList<>();
        List<Fdb> entries = new ArrayList<>();
        NetlinkBatch batch = nl.batch();
        for (int i = 0; i < 300; i++) {
            MacAddress mac = MacAddress.of(new byte[] {0x66, 0x42, 0, 0, (byte) (i >> 8), (byte) i});
            neighbours.add(Neigh.permanent(vx, IpAddress.parse("10.244." + (i >> 8) + "." + (i & 0xff)), mac));
            entries.add(new Fdb(vx, mac, IpAddress.parse("192.168." + (i >> 8) + "." + (i & 0xff))));
            batch.neighSet(neighbours.get(i)).fdbAdd(entries.get(i));
        }
        assertAllDone(batch.execute(), 600);
        assertEquals(300, oracle.neighs("vxlan.calico").size());
        assertEquals(300, oracle.fdb("vxlan.calico").stream().filter(e -> e.get("dst") != null).count());

        Fdb neverThere = new Fdb(vx, MacAddress.parse("66:4f:1e:2a:00:09"), IpAddress.parse("192.168.50.9"));
        NetlinkException single = assertThrows(NetlinkException.class, () -> nl.fdbDel(neverThere));
        List<Optional<NetlinkException>> outcomes = nl.batch()
                .neighDel(neighbours.get(0))
                .fdbDel(neverThere)
                .fdbDel(entries.get(0))
                .neighSet(neighbours.get(0)) // after its delete: the kernel keeps the order queued
                .execute();

        assertTrue(outcomes.get(0).isEmpty());
        assertEquals(single.getMessage(), outcomes.get(1).orElseThrow().getMessage());
        assertEquals("ENOENT", outcomes.get(1).orElseThrow().errnoName());
        assertTrue(outcomes.get(2).isEmpty());
        assertTrue(outcomes.get(3).isEmpty());
        assertEquals(300, oracle.neighs("vxlan.calico").size());
        assertTrue(oracle.fdb("vxlan.calico").stream().noneMatch(e -> "66:42:00:00:00:00".equals(e.get("mac"))));
    }

    @Test
    void addressesAndAnEmptyBatch() {
        assertEquals(List.of(), nl.batch().execute());

        List<Optional<NetlinkException>> outcomes = nl.batch()
                .addrAdd(Addr.of(tv0, Cidr.parse("10.0.1.1/24")))
                .addrAdd(Addr.of(tv0, Cidr.parse("10.0.0.1/24"))) // the fixture's own
                .execute();

        assertTrue(outcomes.get(0).isEmpty());
        assertEquals("EEXIST", outcomes.get(1).orElseThrow().errnoName());
        assertTrue(oracle.addrs("tv0").stream().anyMatch(a -> "10.0.1.1".equals(a.get("local"))));
    }

    @Test
    void aClosedHandleRefusesToBatch() {
        NetlinkBatch batch = nl.batch().routeAdd(Route.via(host(0), null, tv0, RouteProtocol.VXLAN));
        nl.close();
        assertThrows(IllegalStateException.class, batch::execute);
        assertThrows(IllegalStateException.class, nl::batch);
    }
}
