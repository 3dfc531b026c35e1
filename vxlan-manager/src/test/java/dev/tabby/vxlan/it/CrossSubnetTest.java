package dev.tabby.vxlan.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.vxlan.testing.ClusterTestCase;
import dev.tabby.vxlan.testing.KernelView;
import dev.tabby.vxlan.testing.TestCluster;
import dev.tabby.vxlan.testing.TestCluster.NodeDef;
import dev.tabby.vxlan.testing.TestCluster.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vxlanMode CrossSubnet: node-a and node-b share 10.250.1.0/24, node-c sits in 10.250.2.0/24 behind the underlay's
 * router. Traffic between a and b is routed directly (vxlan.calico sends nothing); traffic to c is encapsulated.
 */
class CrossSubnetTest extends ClusterTestCase {
    static final List<String> NODES = List.of("node-a", "node-b", "node-c");

    @Test
    void sameSubnetTrafficIsNotEncapsulatedAndCrossSubnetTrafficIs() {
        cluster = TestCluster.build(kv, netns, "CrossSubnet", 1, new NodeDef("node-a", "10.250.1.1/24"),
                new NodeDef("node-b", "10.250.1.2/24"), new NodeDef("node-c", "10.250.2.3/24"));
        cluster.startAgents(Duration.ofSeconds(90));
        cluster.awaitConverged(NODES, true, Duration.ofSeconds(30));

        String a = cluster.ns("node-a");
        assertTrue(KernelView.routes(a).contains(cluster.blockOf("node-b") + " via 10.250.1.2 dev eth0"),
                KernelView.routes(a).toString());
        assertTrue(KernelView.routes(a).contains(cluster.blockOf("node-c") + " via " + cluster.tunnelAddress("node-c")
                + " dev vxlan.calico onlink"), KernelView.routes(a).toString());
        // Felix programs every VTEP's ARP and FDB entry in CrossSubnet mode too.
        assertEquals(2, KernelView.fdb(a).size());
        assertEquals(2, KernelView.neigh(a).size());

        Workload wa = cluster.workloads.get(0);
        Workload wb = cluster.workloads.get(1);
        Workload wc = cluster.workloads.get(2);

        long before = KernelView.txPackets(a);
        for (int i = 0; i < 5; i++) {
            assertNull(TestCluster.ping(wa, wb.ip()));
        }
        long sameSubnet = KernelView.txPackets(a) - before;
        assertEquals(0, sameSubnet, "same-subnet pings went through vxlan.calico");

        before = KernelView.txPackets(a);
        for (int i = 0; i < 5; i++) {
            assertNull(TestCluster.ping(wa, wc.ip()));
        }
        long crossSubnet = KernelView.txPackets(a) - before;
        assertTrue(crossSubnet >= 5, "cross-subnet pings were not encapsulated: " + crossSubnet + " packets");

        assertNull(TestCluster.ping(wc, wb.ip()));
        assertNull(TestCluster.ping(wb, wc.ip()));
    }
}
