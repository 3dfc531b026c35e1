package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deleting a Node takes what belongs to it, as libcalico-go release-v3.18 lib/clientv3/node.go Delete does. */
class NodeRemovalTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    IpamFixture f;
    Ipam ipam;

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private void apply(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            f.resources.apply(r);
        }
    }

    private void endpoint(String node, String workload, IpAddress ip) {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: %1$s-cni-%2$s-eth0, namespace: default}
                spec: {node: %1$s, orchestrator: cni, workload: %2$s, containerID: %2$s, endpoint: eth0, interfaceName: cali%2$s,
                       ipNetworks: ["%3$s/32"]}
                """.formatted(node, workload, ip));
    }

    private boolean exists(Kind kind, String namespace, String name) {
        return f.resources.get(new ResourceId(kind, namespace, name)).isPresent();
    }

    @Test
    void theNodesEndpointsAddressesAffinitiesPeersAndConfigurationsGoAndNothingElse() {
        f.pool("p", "10.0.0.0/24", 26);
        f.node("n1", Map.of());
        f.node("n2", Map.of());
        IpAddress a1 = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h1", 1)).ipv4().get(0).address();
        IpAddress tunnel = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "vxlan-tunnel-addr-n1", 1)).ipv4().get(0).address();
        IpAddress a2 = ipam.autoAssign(AutoAssignRequest.ipv4("n2", "h2", 1)).ipv4().get(0).address();
        endpoint("n1", "web", a1);
        endpoint("n2", "db", a2);
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: n1}
                spec: {ipv4VXLANTunnelAddr: "%s"}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: n1-tor}
                spec: {node: n1, peerIP: 192.0.2.1, asNumber: 64512}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: global-rr}
                spec: {peerIP: 192.0.2.2, asNumber: 64512}
                ---
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.n1}
                spec: {logSeverityScreen: Debug}
                ---
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.n2}
                spec: {logSeverityScreen: Debug}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPConfiguration
                metadata: {name: node.n1}
                spec: {logSeverityScreen: Debug}
                ---
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: n1-eth0}
                spec: {node: n1, interfaceName: eth0}
                """.formatted(tunnel));

        NodeRemoval.Removed removed = new NodeRemoval(f.resources, ipam).delete("n1", null);

        assertEquals(2, removed.addressesReleased(), "the endpoint's address and the VXLAN tunnel address");
        assertEquals(1, removed.endpoints());
        assertTrue(removed.blocksReleased() >= 1, removed.toString());
        assertTrue(ipam.getAssignmentAttributes(a1).isEmpty());
        assertTrue(ipam.getAssignmentAttributes(tunnel).isEmpty());
        assertTrue(ipam.getAssignmentAttributes(a2).isPresent(), "n2's address stays");
        for (var gone : List.of(new ResourceId(Kind.NODE, null, "n1"), new ResourceId(Kind.BGP_PEER, null, "n1-tor"),
                new ResourceId(Kind.FELIX_CONFIGURATION, null, "node.n1"),
                new ResourceId(Kind.BGP_CONFIGURATION, null, "node.n1"), new ResourceId(Kind.HOST_ENDPOINT, null, "n1-eth0"),
                new ResourceId(Kind.WORKLOAD_ENDPOINT, "default", "n1-cni-web-eth0"))) {
            assertTrue(f.resources.get(gone).isEmpty(), gone + " is gone");
        }
        assertTrue(exists(Kind.NODE, null, "n2") && exists(Kind.BGP_PEER, null, "global-rr")
                && exists(Kind.FELIX_CONFIGURATION, null, "node.n2")
                && exists(Kind.WORKLOAD_ENDPOINT, "default", "n2-cni-db-eth0"), "what is not n1's stays");
        assertTrue(f.kv.list("/calico/ipam/v2/host/n1/").entries().isEmpty(), "no affinity of n1 is left");

        assertThrows(ResourceNotFoundException.class, () -> new NodeRemoval(f.resources, ipam).delete("n1", null),
                "a node that is not there");
    }
}
