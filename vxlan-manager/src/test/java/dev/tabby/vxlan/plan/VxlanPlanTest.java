package dev.tabby.vxlan.plan;

import static dev.tabby.vxlan.testing.Resources.felix;
import static dev.tabby.vxlan.testing.Resources.node;
import static dev.tabby.vxlan.testing.Resources.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.netlink.MacAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VXLAN plan as a pure function: what a node must program for given datastore contents and interfaces. */
class VxlanPlanTest {
    // Worked out with `echo -n node-2 | sha1sum` etc., not with the code under test.
    static final String MAC_NODE_1 = "66:b3:68:28:39:8e";

    final List<IPPool> pools = new ArrayList<>();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final Map<Cidr, RoutableBlock> blocks = new LinkedHashMap<>();
    List<HostLink> links = List.of(link(1, "lo", 65536, "127.0.0.1"), link(2, "eth0", 1500, "10.0.1.1"));
    FelixSettings felixSettings = FelixSettings.DEFAULTS;

    static HostLink link(int index, String name, int mtu, String... ips) {
        return new HostLink(index, name, mtu, java.util.Arrays.stream(ips).map(IpAddress::parse).toList());
    }

    VxlanPlan plan() {
        Map<String, NodeFacts> byName = new LinkedHashMap<>();
        nodes.values().forEach(n -> byName.put(n.name(), NodeFacts.of(n)));
        return VxlanPlan.compute(new VxlanInputs("node-1", pools, byName, felixSettings, blocks, links));
    }

    void add(Node n) {
        nodes.put(n.name(), n);
    }

    void block(String cidr, String host) {
        blocks.put(Cidr.parse(cidr), new RoutableBlock(Cidr.parse(cidr), host, List.of()));
    }

    /** A block as libcalico-go stores it (lib/backend/model/block.go), read the way the translator reads it. */
    void blockJson(String json) {
        try {
            RoutableBlock b = RoutableBlock.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), null).orElseThrow();
            blocks.put(b.cidr(), b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static PlannedRoute viaVtep(String dst, String node, String tunnel) {
        return new PlannedRoute(Cidr.parse(dst), node, IpAddress.parse(tunnel), "vxlan.calico", true);
    }

    /** node-1 (us), node-2 and node-3 in 10.0.1.0/24, node-4 in 10.0.2.0/24; one block each. */
    void fourNodes(String mode) {
        pools.add(pool("p", "10.65.0.0/16", mode));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        add(node("node-2", "10.0.1.2/24", "10.65.2.0", null));
        add(node("node-3", "10.0.1.3/24", "10.65.3.0", null));
        add(node("node-4", "10.0.2.4/24", "10.65.4.0", null));
        for (int i = 1; i <= 4; i++) {
            block("10.65." + i + ".0/26", "node-" + i);
        }
    }

    @Test
    void noVxlanPoolMeansNothingIsWanted() {
        pools.add(pool("ipip", "10.65.0.0/16", "Never"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        add(node("node-2", "10.0.1.2/24", "10.65.2.0", null));
        block("10.65.2.0/26", "node-2");
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.INACTIVE, p.state());
        assertNull(p.device());
        assertTrue(p.vteps().isEmpty());
        assertTrue(p.routes().isEmpty());
    }

    /**
     * The manager hands the plan its nodes sorted by name, so the plan skips its own sort; who keeps a contested tunnel
     * address or MAC (the first by name) must not change with that. Nodes added in reverse name order.
     */
    @Test
    void nodesSortedByNameOrNotGiveTheSamePlanEvenWhenTunnelAddressesAndMacsCollide() {
        pools.add(pool("p", "10.65.0.0/16", "Always"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        for (int i = 30; i >= 2; i--) {
            // Pairs share a tunnel address, every fifth node a MAC.
            String mac = i % 5 == 0 ? "02:00:00:00:00:05" : null;
            add(node("node-" + i, "10.0.1." + i + "/24", "10.65." + (i / 2) + ".0", mac));
            block("10.65." + i + ".64/26", "node-" + i);
        }
        Map<String, NodeFacts> unsorted = new LinkedHashMap<>();
        Map<String, NodeFacts> sorted = new java.util.TreeMap<>();
        nodes.values().forEach(n -> unsorted.put(n.name(), NodeFacts.of(n)));
        nodes.values().forEach(n -> sorted.put(n.name(), NodeFacts.of(n)));
        VxlanPlan fromUnsorted = VxlanPlan.compute(new VxlanInputs("node-1", pools, unsorted, felixSettings, blocks, links));
        VxlanPlan fromSorted = VxlanPlan.compute(new VxlanInputs("node-1", pools, sorted, felixSettings, blocks, links));
        assertEquals(fromUnsorted, fromSorted);
        assertTrue(fromSorted.problems().stream().anyMatch(x -> x.contains("is node node-")), fromSorted.problems().toString());
        assertEquals(fromSorted.vteps().stream().map(Vtep::node).sorted().toList(),
                fromSorted.vteps().stream().map(Vtep::node).toList(), "VTEPs in name order");
    }

    @Test
    void noPoolsAtAllIsInactiveToo() {
        assertEquals(VxlanPlan.State.INACTIVE, plan().state());
    }

    @Test
    void alwaysModeGivesEveryRemoteNodeAVtepAndEncapsulatedRoutes() {
        fourNodes("Always");
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.ACTIVE, p.state(), p.reason());

        DeviceSpec d = p.device();
        assertEquals(4096, d.vni());
        assertEquals(4789, d.port());
        assertEquals(IpAddress.parse("10.65.1.0"), d.tunnelAddress());
        assertEquals(MacAddress.parse(MAC_NODE_1), d.mac());
        assertEquals("eth0", d.parent());
        assertEquals(2, d.parentIndex());
        assertEquals(IpAddress.parse("10.0.1.1"), d.parentAddress());
        assertEquals(1450, d.mtu());

        assertEquals(List.of("node-2", "node-3", "node-4"), p.vteps().stream().map(Vtep::node).toList());
        Vtep two = p.vteps().get(0);
        assertEquals(IpAddress.parse("10.65.2.0"), two.tunnelAddress());
        assertEquals(VtepMac.derived("node-2"), two.mac());
        assertEquals(IpAddress.parse("10.0.1.2"), two.underlayAddress());

        assertEquals(List.of(
                new PlannedRoute(Cidr.parse("10.65.2.0/26"), "node-2", IpAddress.parse("10.65.2.0"), "vxlan.calico", true),
                new PlannedRoute(Cidr.parse("10.65.3.0/26"), "node-3", IpAddress.parse("10.65.3.0"), "vxlan.calico", true),
                new PlannedRoute(Cidr.parse("10.65.4.0/26"), "node-4", IpAddress.parse("10.65.4.0"), "vxlan.calico", true)),
                p.routes());
        assertTrue(p.problems().isEmpty(), p.problems().toString());
    }

    @Test
    void crossSubnetRoutesSameSubnetNodesDirectlyAndStillProgramsTheirVteps() {
        fourNodes("CrossSubnet");
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.ACTIVE, p.state());
        // Felix programs the L2 entries of every VTEP whatever the mode; only the routes differ.
        assertEquals(3, p.vteps().size());
        assertEquals(List.of(
                new PlannedRoute(Cidr.parse("10.65.2.0/26"), "node-2", IpAddress.parse("10.0.1.2"), "eth0", false),
                new PlannedRoute(Cidr.parse("10.65.3.0/26"), "node-3", IpAddress.parse("10.0.1.3"), "eth0", false),
                new PlannedRoute(Cidr.parse("10.65.4.0/26"), "node-4", IpAddress.parse("10.65.4.0"), "vxlan.calico", true)),
                p.routes());
    }

    @Test
    void sameSubnetIsThisNodesPrefixHoldingTheRemoteAddress() {
        pools.add(pool("p", "10.65.0.0/16", "CrossSubnet"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        // node-2 declares a /16 that holds us, but our /24 does not hold it: encapsulated (Felix looks from here).
        add(node("node-2", "10.0.9.2/16", "10.65.2.0", null));
        block("10.65.2.0/26", "node-2");
        assertTrue(plan().routes().get(0).encapsulated());
    }

    @Test
    void crossSubnetDirectRouteNeedsNoVtep() {
        pools.add(pool("p", "10.65.0.0/16", "CrossSubnet"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        add(node("node-2", "10.0.1.2/24", null, null));
        add(node("node-4", "10.0.2.4/24", null, null));
        block("10.65.2.0/26", "node-2");
        block("10.65.4.0/26", "node-4");
        VxlanPlan p = plan();
        assertTrue(p.vteps().isEmpty());
        // node-4 is across a subnet and has no VTEP yet: its route waits for one.
        assertEquals(List.of(new PlannedRoute(Cidr.parse("10.65.2.0/26"), "node-2", IpAddress.parse("10.0.1.2"), "eth0",
                false)), p.routes());
    }

    @Test
    void poolsOfDifferentModesEachDecideForTheirOwnBlocks() {
        pools.add(pool("always", "10.65.0.0/16", "Always"));
        pools.add(pool("cross", "10.66.0.0/16", "CrossSubnet"));
        pools.add(pool("plain", "10.67.0.0/16", "Never"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        add(node("node-2", "10.0.1.2/24", "10.65.2.0", null));
        block("10.65.2.0/26", "node-2");
        block("10.66.2.0/26", "node-2");
        block("10.67.2.0/26", "node-2");
        List<PlannedRoute> r = plan().routes();
        assertEquals(2, r.size());
        assertEquals(Cidr.parse("10.65.2.0/26"), r.get(0).destination());
        assertTrue(r.get(0).encapsulated());
        assertEquals(Cidr.parse("10.66.2.0/26"), r.get(1).destination());
        assertFalse(r.get(1).encapsulated());
    }

    @Test
    void ownBlocksUnaffinedBlocksAndUnknownNodesGetNoRoutes() {
        fourNodes("Always");
        block("10.65.1.64/26", "node-1");
        block("10.65.9.0/26", "node-gone");
        blocks.put(Cidr.parse("10.65.8.0/26"), new RoutableBlock(Cidr.parse("10.65.8.0/26"), null, List.of()));
        VxlanPlan p = plan();
        assertEquals(3, p.routes().size());
        assertEquals(List.of(Cidr.parse("10.65.1.0/26"), Cidr.parse("10.65.1.64/26")), p.blackholes());
    }

    /**
     * node-2's block in Calico's JSON: .0 node-2's tunnel address, .1 its own pod, .2 a pod of node-3 that borrowed it,
     * .3 a pod of ours (node-1), .4 node-4's tunnel address (borrowed), .5 allocated with no node recorded.
     */
    static final String NODE_2_BLOCK = """
            {"cidr":"10.65.2.0/26","affinity":"host:node-2","allocations":[0,1,2,3,4,5],"unallocated":[],
             "attributes":[
              {"handle_id":"vxlan-tunnel-addr-node-2","secondary":{"node":"node-2","type":"vxlanTunnelAddress"}},
              {"handle_id":"k8s-pod-network.a1","secondary":{"namespace":"default","node":"node-2","pod":"a"}},
              {"handle_id":"k8s-pod-network.b2","secondary":{"namespace":"default","node":"node-3","pod":"b"}},
              {"handle_id":"k8s-pod-network.c3","secondary":{"namespace":"default","node":"node-1","pod":"c"}},
              {"handle_id":"vxlan-tunnel-addr-node-4","secondary":{"node":"node-4","type":"vxlanTunnelAddress"}},
              {"handle_id":"k8s-pod-network.d4","secondary":{"namespace":"default","pod":"d"}}],
             "deleted":false}""";

    @Test
    void aBorrowedAddressRoutesAsASlash32ToTheNodeHoldingIt() {
        fourNodes("Always");
        add(node("node-4", "10.0.2.4/24", "10.65.2.4", null));
        blockJson(NODE_2_BLOCK);
        VxlanPlan p = plan();
        assertEquals(List.of(
                viaVtep("10.65.2.0/26", "node-2", "10.65.2.0"),
                // node-3's pod in node-2's block goes to node-3, not to the block's owner.
                viaVtep("10.65.2.2/32", "node-3", "10.65.3.0"),
                // .3 is ours: the CNI's route serves it. .4 is node-4's tunnel address: REMOTE_TUNNEL, not programmed.
                viaVtep("10.65.3.0/26", "node-3", "10.65.3.0"),
                viaVtep("10.65.4.0/26", "node-4", "10.65.2.4")), p.routes());
        assertEquals(1, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains("10.65.2.5"), p.problems().get(0));
    }

    @Test
    void theBlocksOwnerRoutesItsLentAddressAwayAndBlackholesTheRest() {
        fourNodes("CrossSubnet");
        blockJson("""
                {"cidr":"10.65.1.0/26","affinity":"host:node-1","allocations":[0,null,1,2],"unallocated":[1],
                 "attributes":[{"handle_id":"vxlan-tunnel-addr-node-1","secondary":{"node":"node-1"}},
                               {"handle_id":"k8s-pod-network.e5","secondary":{"node":"node-2","pod":"e"}},
                               {"handle_id":"k8s-pod-network.f6","secondary":{"node":"node-4","pod":"f"}}]}""");
        VxlanPlan p = plan();
        // Same subnet in CrossSubnet: direct, as node-2's block route; node-4 is across: via its VTEP.
        assertTrue(p.routes().contains(new PlannedRoute(Cidr.parse("10.65.1.2/32"), "node-2", IpAddress.parse("10.0.1.2"),
                "eth0", false)), p.routes().toString());
        assertTrue(p.routes().contains(viaVtep("10.65.1.3/32", "node-4", "10.65.4.0")), p.routes().toString());
        assertEquals(List.of(Cidr.parse("10.65.1.0/26")), p.blackholes());
    }

    @Test
    void aBlockWithNoAffinityRoutesEachAllocationAndIsNobodysBlackhole() {
        fourNodes("Always");
        blockJson("""
                {"cidr":"10.65.9.0/26","affinity":null,"allocations":[null,0,1],
                 "attributes":[{"handle_id":"h1","secondary":{"node":"node-3"}},
                               {"handle_id":"h2","secondary":{"node":"node-1"}}]}""");
        VxlanPlan p = plan();
        assertTrue(p.routes().contains(viaVtep("10.65.9.1/32", "node-3", "10.65.3.0")), p.routes().toString());
        assertEquals(4, p.routes().size(), p.routes().toString());
        assertEquals(List.of(Cidr.parse("10.65.1.0/26")), p.blackholes());
    }

    @Test
    void onlyOwnBlocksInVxlanPoolsAreBlackholed() {
        pools.add(pool("vx", "10.65.0.0/16", "Always"));
        pools.add(pool("plain", "10.67.0.0/16", "Never"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", null));
        block("10.65.1.0/26", "node-1");
        block("10.67.1.0/26", "node-1");
        block("10.65.2.0/26", "node-2");
        assertEquals(List.of(Cidr.parse("10.65.1.0/26")), plan().blackholes());
    }

    @Test
    void vxlanEnabledFalseDisablesEverythingWhateverThePools() {
        fourNodes("Always");
        felixSettings = FelixSettings.merge(felix("default", "vxlanEnabled: false"), null);
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.DISABLED, p.state());
        assertTrue(p.reason().contains("vxlanEnabled"), p.reason());
        assertNull(p.device());
        assertTrue(p.routes().isEmpty() && p.blackholes().isEmpty() && p.vteps().isEmpty());
        felixSettings = FelixSettings.merge(felix("default", "vxlanEnabled: false"),
                felix("node.node-1", "vxlanEnabled: true"));
        assertEquals(VxlanPlan.State.ACTIVE, plan().state());
    }

    @Test
    void aNodeWithoutTunnelAddressIsNoVtepAndItsBlocksWait() {
        fourNodes("Always");
        add(node("node-3", "10.0.1.3/24", null, null));
        VxlanPlan p = plan();
        assertEquals(List.of("node-2", "node-4"), p.vteps().stream().map(Vtep::node).toList());
        assertEquals(List.of("node-2", "node-4"), p.routes().stream().map(PlannedRoute::node).toList());
        assertTrue(p.problems().isEmpty());
    }

    @Test
    void aNodeWithoutAddressIsNoVtep() {
        fourNodes("Always");
        add(node("node-3", null, "10.65.3.0", null));
        assertEquals(List.of("node-2", "node-4"), plan().vteps().stream().map(Vtep::node).toList());
    }

    @Test
    void aLeftNodeTakesItsVtepAndRoutesWithIt() {
        fourNodes("Always");
        nodes.remove("node-3");
        VxlanPlan p = plan();
        assertEquals(List.of("node-2", "node-4"), p.vteps().stream().map(Vtep::node).toList());
        assertEquals(List.of("node-2", "node-4"), p.routes().stream().map(PlannedRoute::node).toList());
    }

    @Test
    void aMacSetOnTheNodeWinsOverTheDerivedOne() {
        fourNodes("Always");
        add(node("node-2", "10.0.1.2/24", "10.65.2.0", "02:00:00:00:00:02"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.0", "02:00:00:00:00:01"));
        VxlanPlan p = plan();
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), p.device().mac());
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), p.vteps().get(0).mac());
    }

    @Test
    void aTunnelAddressClaimedTwiceKeepsItsFirstOwnerAndReportsTheOther() {
        fourNodes("Always");
        add(node("node-3", "10.0.1.3/24", "10.65.2.0", null));
        VxlanPlan p = plan();
        assertEquals(List.of("node-2", "node-4"), p.vteps().stream().map(Vtep::node).toList());
        assertEquals(1, p.problems().size());
        assertTrue(p.problems().get(0).contains("node-3") && p.problems().get(0).contains("node-2"), p.problems().get(0));
    }

    @Test
    void ourOwnTunnelAddressOrMacOnAnotherNodeIsReported() {
        fourNodes("Always");
        add(node("node-3", "10.0.1.3/24", "10.65.1.0", null));
        add(node("node-4", "10.0.2.4/24", "10.65.4.0", MAC_NODE_1));
        VxlanPlan p = plan();
        assertEquals(List.of("node-2"), p.vteps().stream().map(Vtep::node).toList());
        assertEquals(2, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(1).contains("MAC " + MAC_NODE_1), p.problems().get(1));
    }

    @Test
    void withoutOurNodeResourceWeWait() {
        pools.add(pool("p", "10.65.0.0/16", "Always"));
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.WAITING_FOR_NODE, p.state());
        assertTrue(p.reason().contains("no Node resource named node-1"), p.reason());
    }

    @Test
    void withoutOurTunnelAddressWeWait() {
        pools.add(pool("p", "10.65.0.0/16", "Always"));
        add(node("node-1", "10.0.1.1/24", null, null));
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.WAITING_FOR_NODE, p.state());
        assertTrue(p.reason().contains("ipv4VXLANTunnelAddr"), p.reason());
    }

    @Test
    void withoutOurAddressWeWait() {
        pools.add(pool("p", "10.65.0.0/16", "Always"));
        add(node("node-1", null, "10.65.1.0", null));
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.WAITING_FOR_NODE, p.state());
        assertTrue(p.reason().contains("bgp.ipv4Address"), p.reason());
    }

    @Test
    void withoutAnInterfaceHoldingOurAddressThereIsNoParent() {
        fourNodes("Always");
        links = List.of(link(1, "lo", 65536, "127.0.0.1"), link(2, "eth0", 1500, "10.0.1.99"));
        VxlanPlan p = plan();
        assertEquals(VxlanPlan.State.WAITING_FOR_INTERFACE, p.state());
        assertTrue(p.reason().contains("10.0.1.1"), p.reason());
    }

    @Test
    void theParentIsWhicheverInterfaceHoldsTheAddress() {
        fourNodes("Always");
        links = List.of(link(1, "lo", 65536, "127.0.0.1"), link(7, "bond0", 9000, "192.168.0.1", "10.0.1.1"),
                link(8, "eth0", 1500, "10.9.9.9"));
        DeviceSpec d = plan().device();
        assertEquals("bond0", d.parent());
        assertEquals(7, d.parentIndex());
        assertEquals(1450, d.mtu(), "eth0 is the smallest interface the pattern names");
    }

    @Test
    void felixConfigurationSetsVniPortAndMtuNodeOverridingDefault() {
        fourNodes("Always");
        felixSettings = FelixSettings.merge(felix("default", "vxlanVNI: 5000", "vxlanPort: 8472", "vxlanMTU: 1400"),
                felix("node.node-1", "vxlanMTU: 1350"));
        DeviceSpec d = plan().device();
        assertEquals(5000, d.vni());
        assertEquals(8472, d.port());
        assertEquals(1350, d.mtu());
    }
}
