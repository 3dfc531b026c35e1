package dev.tabby.bgpspeaker.config;

import static dev.tabby.bgpspeaker.config.CalicoTestData.affinity;
import static dev.tabby.bgpspeaker.config.CalicoTestData.resources;
import static dev.tabby.bgpspeaker.config.CalicoTestData.snapshot;
import static dev.tabby.bgpspeaker.config.CalicoTestData.workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.config.SessionKind;
import dev.tabby.bgp.speaker.Origination;
import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * NodeBgpConfig for confd v3.18's own test cases (see {@link CalicoTestData}); each expectation names the line of
 * tests/compiled_templates/&lt;case&gt;/bird*.cfg it comes from.
 */
class NodeBgpConfigBuilderTest {
    private static final long STANDARD_100_6532 = 100L << 16 | 6532;
    private static final long STANDARD_5663_12 = 5663L << 16 | 12;

    @Test
    void meshOfThreeNodesAsCompiledForKubeMaster() {
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(
                snapshot(resources(CalicoTestData.MESH_COMMUNITIES), CalicoTestData.kubeMasterBlocks(), List.of()));

        assertEquals("10.192.0.2", c.routerId()); // "router id 10.192.0.2;"
        assertEquals(177, c.listenPort()); // "listen bgp port 177;"
        assertEquals(64512, c.localAs()); // "local as 64512;"
        assertEquals("info", c.logLevel());
        assertNull(c.clusterId());
        // "protocol bgp Mesh_10_192_0_3 ... neighbor 10.192.0.3 port 177 as 64512; source address 10.192.0.2;
        // passive on;" and the same for 10.192.0.4; kube-master itself is skipped.
        assertEquals(List.of("Mesh_10_192_0_3", "Mesh_10_192_0_4"), names(c));
        for (PeerConfig p : c.peerConfigs()) {
            assertEquals(177, p.port());
            assertEquals(64512, p.peerAs());
            assertEquals(64512, p.localAs());
            assertTrue(p.passive(), p.name());
            assertEquals("10.192.0.2", p.sourceAddress().getHostAddress());
            assertEquals(Set.of(AfiSafi.IPV4_UNICAST), p.families());
            assertFalse(p.routeReflectorClient());
        }
        assertTrue(c.peers().stream().allMatch(p -> p.kind() == SessionKind.MESH && p.bgpPeer() == null));
    }

    @Test
    void meshIsUnidirectionalFromTheOtherSide() {
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-node-2").build(snapshot(CalicoTestData.MESH_COMMUNITIES));
        // bird.cfg.template: "passive on" only towards a greater address; 10.192.0.4 is the greatest.
        assertEquals(List.of("Mesh_10_192_0_2", "Mesh_10_192_0_3"), names(c));
        assertTrue(c.peerConfigs().stream().noneMatch(PeerConfig::passive));
        assertEquals("10.192.0.4", c.routerId());
    }

    @Test
    void blocksAreExportedAsBirdAggrAndBirdIpamDecideWithCommunities() {
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(
                snapshot(resources(CalicoTestData.MESH_COMMUNITIES), CalicoTestData.kubeMasterBlocks(), List.of()));
        // bird_aggr.cfg: a blackhole for every block but 10.2.0.1/32; calico_aggr() accepts the confirmed ones, the
        // pending 192.168.221.0/26 goes out through the pool clause of calico_export_to_bgp_peers.
        assertEquals(List.of("10.0.0.0/30", "10.1.0.0/24", "192.168.221.0/26", "192.168.221.64/26",
                "192.168.221.192/26"), prefixes(c));
        // apply_communities(): "if ( net ~ 192.168.0.0/16 ) then { bgp_large_community.add((100, 555, 107));
        // bgp_community.add((100, 6532)); bgp_community.add((5663, 12)); }"
        for (Origination o : c.originations()) {
            if (o.prefix().toString().startsWith("192.168.")) {
                assertEquals(List.of(STANDARD_100_6532, STANDARD_5663_12), o.communities(), o.toString());
                assertEquals(List.of(new LargeCommunity(100, 555, 107)), o.largeCommunities(), o.toString());
            } else {
                assertTrue(o.communities().isEmpty() && o.largeCommunities().isEmpty(), o.toString());
            }
        }
        // The kernel side gets every block with its state, the /32 too (it decides blackholes itself).
        assertEquals(6, c.kernel().affineBlocks().size());
        assertEquals(List.of("10.0.0.0/30", "10.1.0.0/24", "10.2.0.1/32"), c.kernel().affineBlocks().stream()
                .filter(b -> b.state().equals("confirmed") && b.cidr().toString().startsWith("10."))
                .map(b -> b.cidr().toString()).toList());
        assertFalse(c.kernel().affineBlocks().stream().filter(b -> b.cidr().toString().equals("10.2.0.1/32"))
                .findFirst().orElseThrow().blackholed());
        assertEquals(List.of(new KernelInputs.PoolInfo("ippool-1", Cidr.parse("192.168.0.0/16"), "Never", "Never", false)),
                c.kernel().pools());
        assertEquals(List.of(Cidr.parse("10.192.0.0/16")), c.kernel().subnets());
    }

    @Test
    void globalPeersAsCompiled() {
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(CalicoTestData.GLOBAL_PEERS));
        // explicit_peering/global/bird.cfg: three Global_ sessions, the global listen port on the two without one.
        assertEquals(List.of("Global_10_192_0_3_port_150", "Global_10_192_0_4_port_150", "Global_10_192_0_4_port_166"),
                names(c));
        PeerConfig first = c.peerConfigs().get(0);
        assertEquals(150, first.port());
        assertNull(first.sourceAddress()); // sourceAddress: None, so no "source address" line
        assertEquals(64567, first.peerAs());
        assertEquals(64567, first.localAs());
        assertFalse(first.passive());
        assertEquals("10.192.0.2", c.peerConfigs().get(1).sourceAddress().getHostAddress());
        assertEquals(166, c.peerConfigs().get(2).port());
        assertEquals("bgppeer-2", c.peers().get(2).bgpPeer());
        assertTrue(c.peers().stream().allMatch(p -> p.kind() == SessionKind.GLOBAL));
        assertEquals("debug", c.logLevel()); // "debug all;"
        assertEquals(150, c.listenPort());
        assertEquals(64567, c.localAs());
    }

    @Test
    void nodeSpecificPeersAsCompiledAndTheirReversePeering() {
        NodeBgpConfig master = new NodeBgpConfigBuilder("kube-master").build(snapshot(CalicoTestData.SPECIFIC_NODE));
        // explicit_peering/specific_node/bird.cfg: "Node_10_192_0_3 ... as 64512", "Node_10_192_0_4 ... as 64566".
        assertEquals(List.of("Node_10_192_0_3", "Node_10_192_0_4"), names(master));
        assertEquals(List.of(64512L, 64566L), master.peerConfigs().stream().map(PeerConfig::peerAs).toList());
        assertTrue(master.peers().stream().allMatch(p -> p.kind() == SessionKind.NODE_SPECIFIC));

        // client.go's reverse pass: kube-node-1 is 10.192.0.3 with AS 64512, so it peers back with kube-master.
        NodeBgpConfig node1 = new NodeBgpConfigBuilder("kube-node-1").build(snapshot(CalicoTestData.SPECIFIC_NODE));
        assertEquals(List.of("Node_10_192_0_2"), names(node1));
        assertEquals(SessionKind.REVERSE, node1.peers().get(0).kind());
        // kube-node-2 is 10.192.0.4 but AS 64512, not 64566: no reverse peering.
        assertTrue(new NodeBgpConfigBuilder("kube-node-2").build(snapshot(CalicoTestData.SPECIFIC_NODE)).peers().isEmpty());
    }

    @Test
    void routeReflectorAsCompiledInBirdAndBird6() {
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(CalicoTestData.ROUTE_REFLECTOR));
        // explicit_peering/route_reflector/bird.cfg and bird6.cfg.
        assertEquals(List.of("Node_10_192_0_3", "Node_10_192_0_4", "Node_172_19_4_87", "Node_ac13__57_port_50"),
                names(c));
        assertEquals("10.0.0.1", c.clusterId());
        assertEquals(64532, c.localAs());
        for (PeerConfig p : c.peerConfigs().subList(0, 2)) {
            assertTrue(p.routeReflectorClient(), p.name()); // "rr client; rr cluster id 10.0.0.1;"
            assertEquals(64532, p.peerAs());
            assertEquals(Set.of(AfiSafi.IPV4_UNICAST), p.families());
        }
        PeerConfig external = c.peerConfigs().get(2);
        assertFalse(external.routeReflectorClient()); // eBGP: no "rr client"
        assertEquals(64533, external.peerAs());
        PeerConfig v6 = c.peerConfigs().get(3);
        assertEquals("ac13:0:0:0:0:0:0:57", v6.address().getHostAddress());
        assertEquals(50, v6.port());
        assertEquals(Set.of(AfiSafi.IPV6_UNICAST), v6.families()); // bird6: an IPv6 session carries IPv6
        assertEquals("fe0a:0:0:0:0:0:0:2", v6.sourceAddress().getHostAddress());
        assertEquals("10.192.0.2", c.routerId()); // bird6.cfg: "Use IPv4 address since router id is 4 octets"

        // The clients peer with the reflector (reverse pass of bgppeer-other-nodes) and are no reflectors themselves.
        NodeBgpConfig client = new NodeBgpConfigBuilder("kube-node-1").build(snapshot(CalicoTestData.ROUTE_REFLECTOR));
        assertEquals(List.of("Node_10_192_0_2"), names(client));
        assertFalse(client.peerConfigs().get(0).routeReflectorClient());
        assertNull(client.clusterId());
    }

    @Test
    void peerAnnotationsTravelWithTheSessionsOfThatBgpPeer() {
        List<Resource> rs = new ArrayList<>();
        for (Resource r : resources(CalicoTestData.ROUTE_REFLECTOR)) {
            if (r instanceof BGPPeer p && p.name().equals("bgppeer-1")) {
                ObjectMeta m = p.metadata();
                r = p.withMetadata(new ObjectMeta(m.name(), m.namespace(), m.resourceVersion(), m.uid(),
                        m.creationTimestamp(), m.labels(), Map.of(ConfiguredPeer.PASSWORD_FILE_ANNOTATION,
                        "/etc/tabby/bgp/rr.key", ConfiguredPeer.TTL_SECURITY_HOPS_ANNOTATION, "1")));
            }
            rs.add(r);
        }
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(rs, List.of(), List.of()));
        ConfiguredPeer external = c.peers().stream().filter(p -> p.config().name().equals("Node_172_19_4_87"))
                .findFirst().orElseThrow();
        assertEquals("bgppeer-1", external.bgpPeer());
        assertEquals("/etc/tabby/bgp/rr.key", external.passwordFile());
        assertEquals("1", external.ttlSecurityHops());
        assertNull(external.config().password()); // resolved by PeerSecrets once wired, never here
        ConfiguredPeer rrClient = c.peers().get(0);
        assertNull(rrClient.passwordFile());
        assertEquals("bgppeer-other-nodes", rrClient.bgpPeer());
    }

    @Test
    void borrowedAddressesGoOutAsHostRoutesOnlyWhereTheFilterLetsThem() {
        List<WorkloadEndpoint> weps = List.of(
                workload("kube-master", "in-confirmed", List.of("192.168.221.70/32"), null),
                workload("kube-master", "in-pending", List.of("192.168.221.5/32"), null),
                workload("kube-master", "borrowed", List.of("192.168.5.70/32"),
                        List.of(new WorkloadEndpoint.IPNAT("192.168.5.70", "192.168.9.9"))),
                workload("kube-master", "outside-pools", List.of("172.16.0.5/32"), null),
                workload("kube-node-1", "elsewhere", List.of("192.168.7.1/32"), null));
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(
                snapshot(resources(CalicoTestData.MESH_COMMUNITIES), CalicoTestData.kubeMasterBlocks(), weps));
        // calico_aggr() rejects what lies in a confirmed block; a pending block hides nothing; the pool clause
        // accepts the rest inside 192.168.0.0/16; 172.16.0.5 is in no pool; kube-node-1's endpoint is not ours.
        List<String> prefixes = prefixes(c);
        assertFalse(prefixes.contains("192.168.221.70/32"), prefixes.toString());
        assertTrue(prefixes.contains("192.168.221.5/32"), prefixes.toString());
        assertTrue(prefixes.contains("192.168.5.70/32"), prefixes.toString());
        assertTrue(prefixes.contains("192.168.9.9/32"), prefixes.toString()); // the floating IP's route
        assertFalse(prefixes.contains("172.16.0.5/32"), prefixes.toString());
        assertFalse(prefixes.contains("192.168.7.1/32"), prefixes.toString());
        Origination borrowed = c.originations().stream().filter(o -> o.prefix().toString().equals("192.168.5.70/32"))
                .findFirst().orElseThrow();
        assertEquals(List.of(STANDARD_100_6532, STANDARD_5663_12), borrowed.communities());
    }

    @Test
    void disabledPoolsStillExportAsCalicoKeepsThemInTheFilter() {
        String disabledPool = """
                ---
                kind: IPPool
                apiVersion: projectcalico.org/v3
                metadata:
                  name: old-pool
                spec:
                  cidr: 172.16.0.0/16
                  vxlanMode: Always
                  disabled: true
                """;
        List<WorkloadEndpoint> weps = List.of(workload("kube-master", "old", List.of("172.16.0.5/32"), null));
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(
                resources(CalicoTestData.MESH_COMMUNITIES + disabledPool),
                List.of(affinity("kube-master", "172.16.3.0/26", "pending")), weps));
        // ippoolprocessor.go keeps a disabled pool in /v1/ipam/v4/pool (Disabled: true), so bird_ipam.cfg's
        // "if ( net ~ 172.16.0.0/16 ) then { accept; }" is there and the workload and block still go out.
        assertEquals(List.of("172.16.0.5/32", "172.16.3.0/26"), prefixes(c));
        KernelInputs.PoolInfo old = c.kernel().pools().stream().filter(p -> p.name().equals("old-pool")).findFirst()
                .orElseThrow();
        assertTrue(old.disabled());
        assertEquals("Always", old.vxlanMode());
    }

    @Test
    void serviceCidrsGoOutFromEveryNodeWithTheirCommunities() {
        String withCommunities = CalicoTestData.STATIC_ROUTES.replace("""
                  serviceLoadBalancerIPs:
                  - cidr: 80.15.0.0/24
                """, """
                  serviceLoadBalancerIPs:
                  - cidr: 80.15.0.0/24
                  prefixAdvertisements:
                  - cidr: 10.101.0.0/16
                    communities:
                    - 65000:100
                """);
        for (String node : List.of("kube-master", "kube-node-2")) {
            NodeBgpConfig c = new NodeBgpConfigBuilder(node).build(snapshot(withCommunities));
            // mesh/static-routes/bird_aggr.cfg "route 10.101.0.0/16 blackhole; route 80.15.0.0/24 blackhole;",
            // bird6_aggr.cfg "route fd00:96::/112 blackhole;", exported by "if ( net ~ ... ) then { accept; }"
            // though no pool holds them.
            assertEquals(List.of("10.101.0.0/16", "80.15.0.0/24", "fd00:96:0:0:0:0:0:0/112"), prefixes(c), node);
            assertEquals(List.of(65000L << 16 | 100), c.originations().get(0).communities());
            assertTrue(c.originations().get(1).communities().isEmpty());
            assertEquals(List.of(Cidr.parse("10.101.0.0/16"), Cidr.parse("fd00:96::/112"), Cidr.parse("80.15.0.0/24")),
                    c.kernel().serviceCidrs());
            // Dual-stack nodes: IPv4 and IPv6 mesh sessions, each with its own family.
            assertEquals(4, c.peers().size(), c.peers().toString());
            assertEquals(2, c.peerConfigs().stream().filter(p -> p.families().equals(Set.of(AfiSafi.IPV6_UNICAST)))
                    .count());
        }
    }

    @Test
    void aNodeExcludedFromLoadBalancersAdvertisesNoServicesButKeepsThemOutOfTheKernel() {
        // mesh/static-routes-exclude-node: kube-master has the label; its bird_aggr.cfg has no static routes, its
        // calico_kernel_programming still rejects 10.101.0.0/16.
        String yaml = CalicoTestData.STATIC_ROUTES.replace("""
                metadata:
                  name: kube-master
                """, """
                metadata:
                  name: kube-master
                  labels:
                    node.kubernetes.io/exclude-from-external-load-balancers: "true"
                """);
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(yaml));
        assertTrue(c.originations().isEmpty(), c.originations().toString());
        assertEquals(3, c.kernel().serviceCidrs().size());
        assertEquals(3, new NodeBgpConfigBuilder("kube-node-1").build(snapshot(yaml)).originations().size());
    }

    @Test
    void nodeConfigurationOverridesPortLogLevelAndAdvertisements() {
        String yaml = CalicoTestData.MESH_COMMUNITIES + """
                ---
                kind: BGPConfiguration
                apiVersion: projectcalico.org/v3
                metadata:
                  name: node.kube-master
                spec:
                  logSeverityScreen: Warning
                  listenPort: 1790
                  communities:
                    - name: local-only
                      value: 65535:65281
                  prefixAdvertisements:
                    - cidr: 192.168.221.0/24
                      communities:
                        - local-only
                """;
        DatastoreSnapshot s = snapshot(resources(yaml), CalicoTestData.kubeMasterBlocks(), List.of());
        NodeBgpConfig master = new NodeBgpConfigBuilder("kube-master").build(s);
        assertEquals(1790, master.listenPort()); // "Set node listen_port"
        assertEquals("none", master.logLevel()); // client.go: severities other than Debug and Info turn logging off
        Origination block = master.originations().stream()
                .filter(o -> o.prefix().toString().equals("192.168.221.64/26")).findFirst().orElseThrow();
        assertEquals(List.of(65535L << 16 | 65281), block.communities()); // the node's list replaces default's
        assertTrue(block.largeCommunities().isEmpty());
        // The other nodes reach kube-master on its own port (nodeAsBGPPeers / the mesh template's listen_port).
        NodeBgpConfig node1 = new NodeBgpConfigBuilder("kube-node-1").build(s);
        assertEquals(List.of(1790, 177), node1.peerConfigs().stream().map(PeerConfig::port).toList());
        assertEquals(177, node1.listenPort());
    }

    @Test
    void routerIdHashedFromTheNodeName() {
        // mesh/hash/bird.cfg, rendered with CALICO_ROUTER_ID=hash for kube-master: "router id 25.79.212.8;"
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master", "hash").build(snapshot(CalicoTestData.GLOBAL_PEERS));
        assertEquals("25.79.212.8", c.routerId());
        assertEquals("10.10.10.10",
                new NodeBgpConfigBuilder("kube-master", "10.10.10.10").build(snapshot(CalicoTestData.GLOBAL_PEERS)).routerId());
    }

    @Test
    void aNodeWithoutItsNodeResourceHasNoSessionsAndSaysWhy() {
        NodeBgpConfig c = new NodeBgpConfigBuilder("unregistered").build(snapshot(CalicoTestData.MESH_COMMUNITIES));
        assertTrue(c.peers().isEmpty());
        assertTrue(c.skipped().get(0).reason().contains("has no Node resource"), c.skipped().toString());
        assertNull(c.routerId());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("no router id")), c.warnings().toString());
    }

    @Test
    void theOrderOfTheSnapshotDoesNotChangeTheConfiguration() {
        List<WorkloadEndpoint> weps = List.of(workload("kube-master", "p", List.of("192.168.5.1/32"), null),
                workload("kube-master", "q", List.of("192.168.6.1/32"), null));
        DatastoreSnapshot s = snapshot(resources(CalicoTestData.ROUTE_REFLECTOR), CalicoTestData.kubeMasterBlocks(), weps);
        DatastoreSnapshot reversed = new DatastoreSnapshot(s.bgpConfigurations(), reverse(s.nodes()), reverse(s.peers()),
                reverse(s.pools()), reverse(s.affinities()), reverse(s.workloadEndpoints()));
        // The watcher's cache hands resources over in hash order: equal inputs must give an equal configuration, or
        // every rebuild would look like a change.
        assertEquals(new NodeBgpConfigBuilder("kube-master").build(s),
                new NodeBgpConfigBuilder("kube-master").build(reversed));
    }

    @Test
    void aPasswordInAKubernetesSecretIsReportedAsUnusable() {
        String yaml = CalicoTestData.GLOBAL_PEERS.replace("""
                  peerIP: 10.192.0.4:166
                """, """
                  peerIP: 10.192.0.4:166
                  password:
                    secretKeyRef:
                      name: bgp-secrets
                      key: rr-password
                """);
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(yaml));
        assertEquals(3, c.peers().size()); // the session stays, without a password, as on Calico with etcd
        assertTrue(c.warnings().stream().anyMatch(w -> w.startsWith("BGPPeer bgppeer-2: spec.password names a"
                + " Kubernetes secret")), c.warnings().toString());
    }

    private static <T> List<T> reverse(List<T> in) {
        List<T> out = new ArrayList<>(in);
        java.util.Collections.reverse(out);
        return out;
    }

    private static List<String> names(NodeBgpConfig c) {
        return c.peerConfigs().stream().map(PeerConfig::name).toList();
    }

    private static List<String> prefixes(NodeBgpConfig c) {
        return c.originations().stream().map(o -> o.prefix().address().getHostAddress() + "/" + o.prefix().length())
                .collect(Collectors.toList());
    }
}
