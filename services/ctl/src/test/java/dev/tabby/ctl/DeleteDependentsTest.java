package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tabbyctl delete} of a Node or an IPPool takes their dependents as calicoctl's client does (libcalico-go
 * release-v3.18 lib/clientv3/node.go and ippool.go Delete).
 */
class DeleteDependentsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private String keys(String prefix) {
        return String.join("\n", ETCD.etcdctl().getPrefix(prefix).keySet());
    }

    @Test
    void deletingANodeTakesItsEndpointsConfigurationAndPeersAndDeletingAPoolReleasesItsBlocks() throws IOException {
        Tabbyctl ctl = new Tabbyctl(ETCD.config().endpointsText());
        Path f = Files.writeString(ETCD.scratchDir("delete-dependents").resolve("cluster.yaml"), """
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: 10.5.0.0/16}
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: n1}
                ---
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: n1-k8s-web-eth0, namespace: default}
                spec: {node: n1, orchestrator: k8s, pod: web, endpoint: eth0, interfaceName: cali0a1b2c3d4e5,
                       ipNetworks: [10.5.0.7/32]}
                ---
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.n1}
                spec: {logSeverityScreen: Debug}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: n1-tor}
                spec: {node: n1, peerIP: 192.0.2.1, asNumber: 64512}
                """);
        assertEquals(0, ctl.run("apply", "-f", f.toString()).exitCode());

        Tabbyctl.Result node = ctl.run("delete", "node", "n1");
        assertEquals(0, node.exitCode(), node::toString);
        assertEquals("", keys("/calico/resources/v3/projectcalico.org/workloadendpoints/"), "the node's endpoint went");
        assertEquals("", keys("/calico/resources/v3/projectcalico.org/felixconfigurations/node.n1"));
        assertEquals("", keys("/calico/resources/v3/projectcalico.org/bgppeers/"));
        assertEquals("", keys("/calico/resources/v3/projectcalico.org/nodes/"));

        Tabbyctl.Result pool = ctl.run("delete", "ippool", "p1");
        assertEquals(0, pool.exitCode(), pool::toString);
        assertTrue(pool.out().startsWith("Successfully deleted 1 'IPPool' resource(s)"), pool::toString);
        assertEquals("", keys("/calico/resources/v3/projectcalico.org/ippools/"));
    }
}
