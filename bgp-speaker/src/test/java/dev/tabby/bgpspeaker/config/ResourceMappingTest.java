package dev.tabby.bgpspeaker.config;

import static dev.tabby.bgpspeaker.config.CalicoTestData.resources;
import static dev.tabby.bgpspeaker.config.CalicoTestData.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.config.BgpSettings;
import dev.tabby.bgp.config.NodeInfo;
import dev.tabby.bgp.config.PeerSpec;
import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.AsNumber;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceMappingTest {

    @Test
    void withoutBgpConfigurationCalicosDefaultsHold() {
        // confd client.go globalDefaults: as_num 64512, node_mesh enabled.
        assertEquals(new BgpSettings(64512, true, null), ResourceMapping.settings(null));
        BGPConfiguration empty = new BGPConfiguration(ObjectMeta.named("default"), null);
        assertEquals(BgpSettings.defaults(), ResourceMapping.settings(empty));
        BGPConfiguration set = config("default", spec(null, false, new AsNumber(64567), 150, null, null));
        assertEquals(new BgpSettings(64567, false, 150), ResourceMapping.settings(set));
    }

    @Test
    void nodeAddressesLoseTheirPrefixLengthAndABadOneCountsAsUnset() {
        List<String> warnings = new ArrayList<>();
        Node node = new Node(ObjectMeta.named("kube-master"), new Node.Spec(
                new Node.BGP(new AsNumber(64600), "10.192.0.2/16", "FE0A:0::2/96", null, "10.0.0.1"),
                null, null, null, null, null), null);
        NodeInfo info = ResourceMapping.nodeInfo(node, config("node.kube-master", spec(null, null, null, 1790, null, null)),
                warnings);
        assertEquals(new NodeInfo("kube-master", "10.192.0.2", "fe0a::2", 64600L, Map.of(), "10.0.0.1", 1790), info);
        assertTrue(warnings.isEmpty(), warnings.toString());

        Node bad = new Node(ObjectMeta.named("n2"), new Node.Spec(new Node.BGP(null, "10.192.0.300/16", null, null,
                null), null, null, null, null, null), null);
        NodeInfo badInfo = ResourceMapping.nodeInfo(bad, null, warnings);
        assertNull(badInfo.ipv4());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("n2 spec.bgp.ipv4Address \"10.192.0.300/16\" is not an address"),
                warnings.get(0));
        assertEquals(Cidr.parse("10.192.0.0/16"), ResourceMapping.subnet("10.192.0.2/16"));
    }

    @Test
    void bgpPeerFieldsCarryOver() {
        BGPPeer p = new BGPPeer(ObjectMeta.named("bgppeer-1"), new BGPPeer.Spec(null, "172.19.4.87", new AsNumber(64533),
                "has(routeReflector)", null, true, null, null));
        assertEquals(new PeerSpec("bgppeer-1", "", "has(routeReflector)", "172.19.4.87", 64533L, "", true, "UseNodeIP"),
                ResourceMapping.peerSpec(p));
    }

    @Test
    void keepOriginalNextHopAsCompiledForAnEbgpPeer() {
        // explicit_peering/keepnexthop: bgppeer-1 of the route_reflector case with keepOriginalNextHop: true gives
        // "next hop keep;" on Node_172_19_4_87 (eBGP) and nothing on the iBGP sessions.
        String yaml = CalicoTestData.ROUTE_REFLECTOR.replace("""
                  peerIP: 172.19.4.87
                  asNumber: 64533
                """, """
                  peerIP: 172.19.4.87
                  asNumber: 64533
                  keepOriginalNextHop: true
                """);
        NodeBgpConfig c = new NodeBgpConfigBuilder("kube-master").build(snapshot(yaml));
        for (PeerConfig p : c.peerConfigs()) {
            assertEquals(p.name().equals("Node_172_19_4_87"), p.keepOriginalNextHop(), p.name());
        }
    }

    @Test
    void communityNamesResolveAndEachSetIsSortedAsConfdSortsIt() {
        // mesh/communities: apply_communities() in bird.cfg adds (100, 555, 107) large, then (100, 6532) and
        // (5663, 12); bird6.cfg adds (100, 555, 107) once for fd00:96::/112 though the resource names it twice.
        BGPConfiguration def = (BGPConfiguration) resources(CalicoTestData.MESH_COMMUNITIES).get(0);
        List<String> warnings = new ArrayList<>();
        List<PrefixCommunities> ads = ResourceMapping.prefixAdvertisements("default", def.spec(), warnings);
        assertEquals(List.of(
                new PrefixCommunities(Cidr.parse("192.168.0.0/16"), List.of(100L << 16 | 6532, 5663L << 16 | 12),
                        List.of(new LargeCommunity(100, 555, 107))),
                new PrefixCommunities(Cidr.parse("fd00:96::/112"), List.of(), List.of(new LargeCommunity(100, 555, 107)))),
                ads);
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void anUnknownCommunityNameIsDroppedAsConfdDropsIt() {
        BGPConfiguration.Spec s = spec(null, null, null, null, List.of(),
                List.of(new BGPConfiguration.PrefixAdvertisement("10.0.0.0/8", List.of("nobody", "1:2"))));
        List<PrefixCommunities> ads = ResourceMapping.prefixAdvertisements("default", s, new ArrayList<>());
        assertEquals(List.of(1L << 16 | 2), ads.get(0).communities());
    }

    @Test
    void aNodeConfigurationWithAnEmptyAdvertisementListClearsDefaults() {
        Map<String, BGPConfiguration> configs = new HashMap<>();
        for (Resource r : resources(CalicoTestData.MESH_COMMUNITIES)) {
            if (r instanceof BGPConfiguration c) {
                configs.put(c.name(), c);
            }
        }
        configs.put("node.kube-master", config("node.kube-master", spec(null, null, null, null, null, List.of())));
        List<String> warnings = new ArrayList<>();
        ResourceMapping.NodeSettings own = ResourceMapping.nodeSettings("kube-master", configs, warnings);
        assertTrue(own.prefixAdvertisements().isEmpty()); // client.go: a non-nil list makes the node's key exist
        assertEquals(177, own.listenPort()); // not set on the node: default's
        assertEquals("info", own.logLevel());
        ResourceMapping.NodeSettings other = ResourceMapping.nodeSettings("kube-node-1", configs, warnings);
        assertFalse(other.prefixAdvertisements().isEmpty());
    }

    @Test
    void serviceCidrsComeFromDefaultOnlyInCalicosOrder() {
        BGPConfiguration def = (BGPConfiguration) resources(CalicoTestData.STATIC_ROUTES).get(0);
        assertEquals(List.of(Cidr.parse("10.101.0.0/16"), Cidr.parse("fd00:96::/112"), Cidr.parse("80.15.0.0/24")),
                ResourceMapping.serviceCidrs(def, new ArrayList<>()));
        assertTrue(ResourceMapping.serviceCidrs(null, new ArrayList<>()).isEmpty());
    }

    private static BGPConfiguration config(String name, BGPConfiguration.Spec spec) {
        return new BGPConfiguration(ObjectMeta.named(name), spec);
    }

    private static BGPConfiguration.Spec spec(String log, Boolean mesh, AsNumber as, Integer port,
                                              List<BGPConfiguration.Community> communities,
                                              List<BGPConfiguration.PrefixAdvertisement> ads) {
        return new BGPConfiguration.Spec(log, mesh, as, null, null, null, port, communities, ads);
    }
}
