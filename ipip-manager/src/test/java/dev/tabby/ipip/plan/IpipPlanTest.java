package dev.tabby.ipip.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IP-in-IP plan as a pure function of the datastore and the host's interfaces. Calico v3.18 programs these routes
 * with BIRD, so the expectations come from confd's templates at release-v3.18:
 * <ul>
 *   <li>{@code etc/calico/confd/templates/bird_ipam.cfg.template}, filter {@code calico_kernel_programming}: a route in
 *       a pool with ipip_mode gets {@code krt_tunnel = "tunl0"}, except in cross-subnet mode when
 *       {@code bgp_next_hop ~ network_v4} (this node's subnet, libcalico-go bgpnodeprocessor.go: the Network() of
 *       {@code spec.bgp.ipv4Address}, a bare address being a /32), where {@code krt_tunnel = ""}; a VXLAN pool's routes
 *       are rejected ("handled by Felix");</li>
 *   <li>{@code bird_aggr.cfg.template}: {@code route <block> blackhole} for each block affine to this node, unless
 *       the block is a /32;</li>
 *   <li>libcalico-go {@code ippoolprocessor.go}: the pool's {@code ipip} interface is "tunl0" for ipipMode Always and
 *       CrossSubnet whatever else the pool says (disabled included).</li>
 * </ul>
 * MTUs come from Felix's {@code dataplane/linux/int_dataplane.go} ({@code findHostMTU}, {@code determinePodMTU} and the
 * defaulting {@code config.IPIPMTU = mtu - 20}).
 */
class IpipPlanTest {
    static final String ME = "node-1";

    final List<IPPool> pools = new ArrayList<>();
    final Map<String, IpipNode> nodes = new LinkedHashMap<>();
    final Map<Cidr, RoutableBlock> blocks = new LinkedHashMap<>();
    List<HostLink> links = List.of(link(1, "lo", 65536, "127.0.0.1"), link(2, "eth0", 1500, "10.0.1.1"));
    IpipSettings settings = IpipSettings.DEFAULTS;
    String claim;

    // ---- resources, written as an operator would (YAML through the codec: validated and normalised) ----

    static IPPool pool(String name, String cidr, String ipipMode, String vxlanMode) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n  cidr: ").append(cidr).append('\n');
        if (ipipMode != null) {
            y.append("  ipipMode: ").append(ipipMode).append('\n');
        }
        if (vxlanMode != null) {
            y.append("  vxlanMode: ").append(vxlanMode).append('\n');
        }
        return (IPPool) ResourceCodec.read(y.toString()).resources().get(0);
    }

    static IPPool ipipPool(String name, String cidr, String mode) {
        return pool(name, cidr, mode, null);
    }

    /** A Node; ipv4Address and tunnel may be null to leave them out. */
    static Node node(String name, String ipv4Address, String tunnel) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n");
        if (ipv4Address == null && tunnel == null) {
            y.append("  {}\n");
        } else {
            y.append("  bgp:\n");
            if (ipv4Address != null) {
                y.append("    ipv4Address: ").append(ipv4Address).append('\n');
            }
            if (tunnel != null) {
                y.append("    ipv4IPIPTunnelAddr: ").append(tunnel).append('\n');
            }
        }
        return (Node) ResourceCodec.read(y.toString()).resources().get(0);
    }

    static FelixConfiguration felix(String name, String... specLines) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n"
                + "  name: ").append(name).append("\nspec:\n");
        for (String line : specLines) {
            y.append("  ").append(line).append('\n');
        }
        if (specLines.length == 0) {
            y.append("  {}\n");
        }
        return (FelixConfiguration) ResourceCodec.read(y.toString()).resources().get(0);
    }

    static HostLink link(int index, String name, int mtu, String... ips) {
        return new HostLink(index, name, mtu, Arrays.stream(ips).map(IpAddress::parse).toList());
    }

    void add(Node n) {
        nodes.put(n.name(), IpipNode.of(n));
    }

    void block(String cidr, String host) {
        blocks.put(Cidr.parse(cidr), new RoutableBlock(Cidr.parse(cidr), host, List.of()));
    }

    /** A block as libcalico-go stores it (lib/backend/model/block.go), read the way the translator reads it. */
    void blockJson(String json) {
        try {
            RoutableBlock b = RoutableBlock.read(json.getBytes(StandardCharsets.UTF_8), null).orElseThrow();
            blocks.put(b.cidr(), b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    IpipPlan plan() {
        return IpipPlan.compute(new IpipInputs(ME, pools, nodes, settings, blocks, claim, links));
    }

    static IpipRoute viaTunl0(String dst, String node, String gateway) {
        return new IpipRoute(Cidr.parse(dst), node, IpAddress.parse(gateway), "tunl0", true, 0);
    }

    static IpipRoute direct(String dst, String node, String gateway, String device, int index) {
        return new IpipRoute(Cidr.parse(dst), node, IpAddress.parse(gateway), device, false, index);
    }

    /** node-1 (us), node-2 and node-3 in 10.0.1.0/24, node-4 in 10.0.2.0/24; one /26 block each, one pool. */
    void fourNodes(String mode) {
        pools.add(ipipPool("p", "10.65.0.0/16", mode));
        add(node("node-1", "10.0.1.1/24", "10.65.1.1"));
        add(node("node-2", "10.0.1.2/24", "10.65.2.1"));
        add(node("node-3", "10.0.1.3/24", "10.65.3.1"));
        add(node("node-4", "10.0.2.4/24", "10.65.4.1"));
        for (int i = 1; i <= 4; i++) {
            block("10.65." + i + ".0/26", "node-" + i);
        }
    }

    // ---- routes ----

    @Test
    void alwaysRoutesEveryRemoteBlockViaTheNodesAddressOnTunl0() {
        fourNodes("Always");
        IpipPlan p = plan();
        assertEquals(IpipPlan.State.ACTIVE, p.state(), p.reason());
        assertEquals(RouteOwner.IPIP_MANAGER, p.owner());
        assertEquals(new TunnelSpec(IpAddress.parse("10.65.1.1"), 1480), p.device());
        // bird_ipam.cfg.template: ipip_mode "always" -> krt_tunnel = "tunl0" whatever the next hop's subnet.
        assertEquals(List.of(
                viaTunl0("10.65.2.0/26", "node-2", "10.0.1.2"),
                viaTunl0("10.65.3.0/26", "node-3", "10.0.1.3"),
                viaTunl0("10.65.4.0/26", "node-4", "10.0.2.4")), p.routes());
        assertEquals(List.of(Cidr.parse("10.65.1.0/26")), p.blackholes());
        assertTrue(p.problems().isEmpty(), p.problems().toString());
    }

    @Test
    void crossSubnetRoutesSameSubnetNodesDirectlyOnTheInterfaceHoldingOurAddress() {
        fourNodes("CrossSubnet");
        // Our address is on eth1 (index 7), not on the first interface: the direct route must leave through eth1.
        links = List.of(link(1, "lo", 65536, "127.0.0.1"), link(2, "eth0", 1500, "192.168.7.7"),
                link(5, "tunl0", 1480, "10.65.1.1"), link(7, "eth1", 1500, "10.0.1.1"));
        IpipPlan p = plan();
        // bird_ipam.cfg.template, cross-subnet: bgp_next_hop ~ network_v4 -> krt_tunnel = "" (plain route via the
        // next hop), else krt_tunnel = "tunl0".
        assertEquals(List.of(
                direct("10.65.2.0/26", "node-2", "10.0.1.2", "eth1", 7),
                direct("10.65.3.0/26", "node-3", "10.0.1.3", "eth1", 7),
                viaTunl0("10.65.4.0/26", "node-4", "10.0.2.4")), p.routes());
        assertTrue(p.problems().isEmpty(), p.problems().toString());
    }

    @Test
    void sameSubnetMeansInsideThisNodesSubnetNotTheRemoteNodesDeclaredOne() {
        pools.add(ipipPool("p", "10.65.0.0/16", "CrossSubnet"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.1"));
        // node-2's /16 holds us, but our /24 (network_v4 is this node's) does not hold it: tunl0.
        add(node("node-2", "10.0.9.2/16", "10.65.2.1"));
        block("10.65.2.0/26", "node-2");
        assertEquals(List.of(viaTunl0("10.65.2.0/26", "node-2", "10.0.9.2")), plan().routes());
    }

    @Test
    void aBareNodeAddressIsASlash32SoNoOtherNodeSharesItsSubnet() {
        // libcalico-go bgpnodeprocessor.go: ParseCIDROrIP, network_v4 = the /32 of a bare address.
        pools.add(ipipPool("p", "10.65.0.0/16", "CrossSubnet"));
        add(node("node-1", "10.0.1.1", "10.65.1.1"));
        add(node("node-2", "10.0.1.2/24", "10.65.2.1"));
        block("10.65.2.0/26", "node-2");
        assertEquals(List.of(viaTunl0("10.65.2.0/26", "node-2", "10.0.1.2")), plan().routes());
    }

    @Test
    void aDirectRouteWaitsWhileNoInterfaceHoldsOurAddressAndSaysSo() {
        fourNodes("CrossSubnet");
        links = List.of(link(1, "lo", 65536, "127.0.0.1"), link(2, "eth0", 1500, "192.168.7.7"));
        IpipPlan p = plan();
        // node-4 is across subnets: its tunl0 route does not need our interface.
        assertEquals(List.of(viaTunl0("10.65.4.0/26", "node-4", "10.0.2.4")), p.routes());
        assertEquals(2, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains("10.0.1.1") && p.problems().get(0).contains("10.65.2.0/26"),
                p.problems().get(0));
    }

    @Test
    void tunl0NeverCountsAsTheInterfaceHoldingOurAddress() {
        fourNodes("CrossSubnet");
        links = List.of(link(5, "tunl0", 1480, "10.0.1.1"), link(7, "eth1", 1500, "10.0.1.1"));
        assertEquals(direct("10.65.2.0/26", "node-2", "10.0.1.2", "eth1", 7), plan().routes().get(0));
    }

    @Test
    void poolsOfEachModeDecideForTheirOwnBlocksAndOtherPoolsBlocksAreNotOurs() {
        pools.add(ipipPool("always", "10.65.0.0/16", "Always"));
        pools.add(ipipPool("cross", "10.66.0.0/16", "CrossSubnet"));
        pools.add(pool("vxlan", "10.67.0.0/16", null, "Always"));
        pools.add(ipipPool("plain", "10.68.0.0/16", "Never"));
        add(node("node-1", "10.0.1.1/24", "10.65.1.1"));
        add(node("node-2", "10.0.1.2/24", "10.65.2.1"));
        for (int pool = 65; pool <= 68; pool++) {
            block("10." + pool + ".1.0/26", "node-1");
            block("10." + pool + ".2.0/26", "node-2");
        }
        IpipPlan p = plan();
        assertEquals("2 IP-in-IP pool(s), 2 route(s), 2 blackhole(s)", p.reason());
        // VXLAN pool: bird_ipam.cfg.template rejects its routes (Felix's vxlan_mgr.go, here vxlan-manager, programs
        // them). A pool with no encapsulation: BIRD programs it without a tunnel, which is bgp-speaker's in Tabby.
        assertEquals(List.of(
                viaTunl0("10.65.2.0/26", "node-2", "10.0.1.2"),
                direct("10.66.2.0/26", "node-2", "10.0.1.2", "eth0", 2)), p.routes());
        assertEquals(List.of(Cidr.parse("10.65.1.0/26"), Cidr.parse("10.66.1.0/26")), p.blackholes());
    }

    @Test
    void aDisabledIpipPoolStillRoutesItsBlocks() {
        // ippoolprocessor.go sets IPIPInterface "tunl0" from ipipMode alone: BIRD keeps routing a disabled pool's blocks.
        pools.add((IPPool) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: old}
                spec: {cidr: 10.65.0.0/16, ipipMode: Always, disabled: true}
                """).resources().get(0));
        add(node("node-1", "10.0.1.1/24", "10.65.1.1"));
        add(node("node-2", "10.0.1.2/24", "10.65.2.1"));
        block("10.65.2.0/26", "node-2");
        assertEquals(List.of(viaTunl0("10.65.2.0/26", "node-2", "10.0.1.2")), plan().routes());
    }

    /**
     * node-2's block in Calico's JSON: .0 node-2's IP-in-IP tunnel address, .1 its own pod, .2 a pod of node-3 that
     * borrowed it, .3 a pod of ours (node-1), .4 node-4's tunnel address (borrowed), .5 allocated with no node recorded.
     */
    static final String NODE_2_BLOCK = """
            {"cidr":"10.65.2.0/26","affinity":"host:node-2","allocations":[0,1,2,3,4,5],"unallocated":[],
             "attributes":[
              {"handle_id":"ipip-tunnel-addr-node-2","secondary":{"node":"node-2","type":"ipipTunnelAddress"}},
              {"handle_id":"k8s-pod-network.a1","secondary":{"namespace":"default","node":"node-2","pod":"a"}},
              {"handle_id":"k8s-pod-network.b2","secondary":{"namespace":"default","node":"node-3","pod":"b"}},
              {"handle_id":"k8s-pod-network.c3","secondary":{"namespace":"default","node":"node-1","pod":"c"}},
              {"handle_id":"ipip-tunnel-addr-node-4","secondary":{"node":"node-4","type":"ipipTunnelAddress"}},
              {"handle_id":"k8s-pod-network.d4","secondary":{"namespace":"default","pod":"d"}}],
             "deleted":false}""";

    @Test
    void aBorrowedAddressRoutesAsASlash32ToTheNodeHoldingIt() {
        fourNodes("Always");
        add(node("node-4", "10.0.2.4/24", "10.65.2.4"));
        blockJson(NODE_2_BLOCK);
        IpipPlan p = plan();
        // In Calico, node-3's BIRD learns its workload's /32 from the kernel and exports it (it is outside node-3's
        // blocks, so calico_aggr does not swallow it): every other node routes it to node-3.
        assertEquals(List.of(
                viaTunl0("10.65.2.0/26", "node-2", "10.0.1.2"),
                viaTunl0("10.65.2.2/32", "node-3", "10.0.1.3"),
                // .3 is ours (the CNI's route serves it). .4 is node-4's ipv4IPIPTunnelAddr: no route (Felix's
                // REMOTE_TUNNEL, calc/l3_route_resolver.go).
                viaTunl0("10.65.3.0/26", "node-3", "10.0.1.3"),
                viaTunl0("10.65.4.0/26", "node-4", "10.0.2.4")), p.routes());
        assertEquals(1, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains("10.65.2.5"), p.problems().get(0));
    }

    @Test
    void aSlash32ThatIsANodesTunnelAddressGetsNoRouteEvenFromASlash32Block() {
        fourNodes("Always");
        block("10.65.9.7/32", "node-3");
        add(node("node-3", "10.0.1.3/24", "10.65.9.7"));
        assertTrue(plan().routes().stream().noneMatch(r -> r.destination().equals(Cidr.parse("10.65.9.7/32"))),
                plan().routes().toString());
        // Not a tunnel address: the /32 block routes like any block.
        add(node("node-3", "10.0.1.3/24", "10.65.3.1"));
        assertTrue(plan().routes().contains(viaTunl0("10.65.9.7/32", "node-3", "10.0.1.3")), plan().routes().toString());
    }

    @Test
    void ourBlocksAreBlackholedExceptASlash32AndTheirLentAddressesRouteAway() {
        fourNodes("CrossSubnet");
        block("10.65.1.64/32", ME);
        blockJson("""
                {"cidr":"10.65.1.0/26","affinity":"host:node-1","allocations":[0,null,1,2],"unallocated":[1],
                 "attributes":[{"handle_id":"ipip-tunnel-addr-node-1","secondary":{"node":"node-1"}},
                               {"handle_id":"k8s-pod-network.e5","secondary":{"node":"node-2","pod":"e"}},
                               {"handle_id":"k8s-pod-network.f6","secondary":{"node":"node-4","pod":"f"}}]}""");
        IpipPlan p = plan();
        // bird_aggr.cfg.template: "route <block> blackhole" unless the block has the suffix /32.
        assertEquals(List.of(Cidr.parse("10.65.1.0/26")), p.blackholes());
        // The lent addresses are more specific than our blackhole: same subnet direct, across subnets via tunl0.
        assertTrue(p.routes().contains(direct("10.65.1.2/32", "node-2", "10.0.1.2", "eth0", 2)), p.routes().toString());
        assertTrue(p.routes().contains(viaTunl0("10.65.1.3/32", "node-4", "10.0.2.4")), p.routes().toString());
    }

    @Test
    void aRemoteNodeWithoutAnAddressOrWithoutANodeGetsNoRoute() {
        fourNodes("Always");
        // No ipv4Address: BIRD has no BGP session with it and so no next hop (bird.cfg.template peers by ip_addr_v4).
        add(node("node-3", null, "10.65.3.1"));
        // A block affine to a node with no Node resource: no address to send to.
        block("10.65.9.0/26", "node-gone");
        IpipPlan p = plan();
        assertEquals(List.of(
                viaTunl0("10.65.2.0/26", "node-2", "10.0.1.2"),
                viaTunl0("10.65.4.0/26", "node-4", "10.0.2.4")), p.routes());
    }

    // ---- when nothing is wanted ----

    @Test
    void ipipEnabledFalseDisablesAndThisNodesSettingWinsOverTheDefault() {
        fourNodes("Always");
        settings = IpipSettings.merge(felix("default", "ipipEnabled: false"), null);
        IpipPlan p = plan();
        assertEquals(IpipPlan.State.DISABLED, p.state());
        assertTrue(p.reason().contains("ipipEnabled"), p.reason());
        assertNull(p.device());
        assertTrue(p.routes().isEmpty() && p.blackholes().isEmpty());
        assertEquals(0, p.podMtu());

        settings = IpipSettings.merge(felix("default", "ipipEnabled: true"), felix("node.node-1", "ipipEnabled: false"));
        assertEquals(IpipPlan.State.DISABLED, plan().state());

        settings = IpipSettings.merge(felix("default", "ipipEnabled: false"), felix("node.node-1", "ipipEnabled: true"));
        assertEquals(IpipPlan.State.ACTIVE, plan().state());

        // Unset everywhere: on when a pool asks for it (the deviation IpipSettings documents: Felix defaults to false).
        settings = IpipSettings.merge(felix("default"), null);
        assertEquals(IpipPlan.State.ACTIVE, plan().state());
    }

    @Test
    void withNoIpipPoolNothingIsWanted() {
        add(node("node-1", "10.0.1.1/24", "10.65.1.1"));
        add(node("node-2", "10.0.1.2/24", "10.65.2.1"));
        block("10.65.2.0/26", "node-2");
        assertEquals(IpipPlan.State.INACTIVE, plan().state());

        pools.add(ipipPool("plain", "10.65.0.0/16", "Never"));
        pools.add(pool("vxlan", "10.66.0.0/16", null, "CrossSubnet"));
        pools.add(ipipPool("v6", "fd00:65::/48", null));
        IpipPlan p = plan();
        assertEquals(IpipPlan.State.INACTIVE, p.state());
        assertNull(p.device());
        assertTrue(p.routes().isEmpty() && p.blackholes().isEmpty());
        assertEquals(0, p.podMtu());
    }

    @Test
    void withoutOurNodeOrItsTunnelAddressWeWaitAndSayWhatToDo() {
        pools.add(ipipPool("p", "10.65.0.0/16", "Always"));
        add(node("node-2", "10.0.1.2/24", "10.65.2.1"));
        block("10.65.2.0/26", "node-2");
        IpipPlan p = plan();
        assertEquals(IpipPlan.State.WAITING_FOR_NODE, p.state());
        assertTrue(p.reason().contains("node-1") && p.reason().contains("tabbyctl node register"), p.reason());
        assertNull(p.device());
        assertTrue(p.routes().isEmpty());

        add(node("node-1", "10.0.1.1/24", null));
        p = plan();
        assertEquals(IpipPlan.State.WAITING_FOR_NODE, p.state());
        assertTrue(p.reason().contains("spec.bgp.ipv4IPIPTunnelAddr"), p.reason());
        assertNull(p.device());
        assertTrue(p.routes().isEmpty());
    }

    // ---- who programs the routes: bgp-speaker's claim ----

    @Test
    void withNoClaimIpipManagerProgramsTheRoutes() {
        fourNodes("Always");
        IpipPlan p = plan();
        assertEquals(RouteOwner.IPIP_MANAGER, p.owner());
        assertEquals(3, p.routes().size());
        assertEquals(1, p.blackholes().size());
    }

    @Test
    void aWaitingClaimHandsOverWithTunl0StillRightButNoRoutes() {
        fourNodes("Always");
        claim = RouteClaims.value("bgp-speaker", RouteClaims.WAITING);
        assertEquals("{\"service\":\"bgp-speaker\",\"kernel\":\"waiting\"}", claim);
        IpipPlan p = plan();
        assertEquals(IpipPlan.State.ACTIVE, p.state());
        assertEquals(RouteOwner.HANDING_OVER, p.owner());
        assertTrue(p.routes().isEmpty() && p.blackholes().isEmpty());
        assertEquals(new TunnelSpec(IpAddress.parse("10.65.1.1"), 1480), p.device());
        assertEquals(1480, p.podMtu());
    }

    @Test
    void aProgrammingClaimMeansBgpSpeakerOwnsTheRoutes() {
        fourNodes("Always");
        claim = "{\"service\":\"bgp-speaker\",\"kernel\":\"programming\"}";
        IpipPlan p = plan();
        assertEquals(RouteOwner.BGP_SPEAKER, p.owner());
        assertTrue(p.routes().isEmpty() && p.blackholes().isEmpty());
        assertNotNull(p.device());
        assertTrue(p.reason().contains(RouteClaims.of(ME)), p.reason());
    }

    @Test
    void anUnreadableClaimIsTakenAsASpeakerThatIsTakingOver() {
        fourNodes("Always");
        for (String value : List.of("garbage", "", "{\"service\":\"bgp-speaker\"}", "{\"kernel\":\"done\"}")) {
            claim = value;
            IpipPlan p = plan();
            assertEquals(RouteOwner.HANDING_OVER, p.owner(), value);
            assertTrue(p.routes().isEmpty(), value);
        }
    }

    // ---- MTU (int_dataplane.go) ----

    @Test
    void tunl0IsTheSmallestMatchingHostInterfaceMinus20() {
        fourNodes("Always");
        links = List.of(link(1, "lo", 65536), link(2, "eth0", 9000, "10.0.1.1"), link(3, "ens3", 1450),
                link(4, "cali1234", 1000), link(5, "docker0", 900), link(6, "tunl0", 800));
        IpipPlan p = plan();
        assertEquals(1430, p.device().mtu());
        assertEquals(1430, p.podMtu());
    }

    @Test
    void tunl0NeverCountsForTheHostMtuEvenWhenThePatternMatchesIt() {
        fourNodes("Always");
        settings = IpipSettings.merge(felix("default", "mtuIfacePattern: '^(eth|tunl)'"), null);
        links = List.of(link(2, "eth0", 1500, "10.0.1.1"), link(6, "tunl0", 800));
        assertEquals(1480, plan().device().mtu());
    }

    @Test
    void withNoMatchingInterfaceTheHostMtuIs1460() {
        // findHostMTU: "Default the MTU of the host to 1460 - the smallest among common cloud providers."
        fourNodes("Always");
        links = List.of(link(1, "lo", 65536), link(2, "veth0", 9000, "10.0.1.1"));
        IpipPlan p = plan();
        assertEquals(1440, p.device().mtu());
        assertEquals(1440, p.podMtu());
    }

    @Test
    void theInterfacePatternIsConfigurableAndAnUncompilableOneFallsBackToFelixsDefault() {
        fourNodes("Always");
        links = List.of(link(2, "eth0", 1500, "10.0.1.1"), link(3, "bond0", 9000));
        settings = IpipSettings.merge(felix("default", "mtuIfacePattern: '^bond'"), null);
        assertEquals(8980, plan().device().mtu());
        settings = new IpipSettings(null, 0, "(", null, 0);
        assertEquals(1480, plan().device().mtu());
    }

    @Test
    void ipipMtuWinsOverTheHostMtu() {
        fourNodes("Always");
        settings = IpipSettings.merge(felix("default", "ipipMTU: 1400"), felix("node.node-1", "ipipMTU: 1300"));
        IpipPlan p = plan();
        assertEquals(1300, p.device().mtu());
        assertEquals(1300, p.podMtu());
    }

    @Test
    void thePodMtuIsTheSmallerOfIpipAndVxlanWhileAVxlanPoolIsInUse() {
        fourNodes("Always");
        pools.add(pool("vx", "10.70.0.0/16", null, "Always"));
        IpipPlan p = plan();
        // determinePodMTU: the smallest MTU among enabled encapsulations; VXLAN defaults to host - 50.
        assertEquals(1480, p.device().mtu());
        assertEquals(1450, p.podMtu());

        settings = IpipSettings.merge(felix("default", "vxlanMTU: 1300"), null);
        assertEquals(1300, plan().podMtu());

        settings = IpipSettings.merge(felix("default", "vxlanEnabled: false"), null);
        assertEquals(1480, plan().podMtu());

        settings = IpipSettings.merge(felix("default", "vxlanEnabled: true", "ipipMTU: 1400"), null);
        assertEquals(1400, plan().device().mtu());
        assertEquals(1400, plan().podMtu());
    }

    @Test
    void withoutAVxlanPoolVxlanDoesNotLowerThePodMtu() {
        // Felix counts VXLANEnabled alone; Tabby reads VXLAN as in use only while a pool asks for it and vxlanEnabled
        // is not false (IpipSettings.podMtu), so vxlan-manager and ipip-manager publish the same number.
        fourNodes("Always");
        settings = IpipSettings.merge(felix("default", "vxlanEnabled: true", "vxlanMTU: 1200"), null);
        assertEquals(1480, plan().podMtu());
    }
}
