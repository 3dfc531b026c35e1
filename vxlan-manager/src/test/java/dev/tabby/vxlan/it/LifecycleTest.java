package dev.tabby.vxlan.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.v3.Node;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.vxlan.testing.ClusterTestCase;
import dev.tabby.vxlan.testing.Await;
import dev.tabby.vxlan.testing.KernelView;
import dev.tabby.vxlan.testing.Resources;
import dev.tabby.vxlan.testing.TestCluster;
import dev.tabby.vxlan.testing.TestCluster.NodeDef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Switching VXLAN off and on with FelixConfiguration vxlanEnabled, and repairs driven by kernel events rather than
 * by the periodic resync (90 s here, so only an event can meet the bounds).
 */
class LifecycleTest extends ClusterTestCase {
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final Duration RESYNC = Duration.ofSeconds(90);


    TestCluster converged(List<String> nodes, NodeDef... defs) {
        cluster = TestCluster.build(kv, netns, "Always", 1, defs);
        cluster.startAgents(RESYNC);
        cluster.awaitConverged(nodes, false, CONVERGE);
        return cluster;
    }

    @Test
    void vxlanEnabledFalseRemovesTheDeviceAndEveryRouteAndTrueBringsThemBack() {
        List<String> nodes = List.of("node1", "node2", "node3");
        TestCluster c = converged(nodes, new NodeDef("node1", "10.250.1.1/24"), new NodeDef("node2", "10.250.1.2/24"),
                new NodeDef("node3", "10.250.1.3/24"));
        c.resources.apply(Resources.felix("default", "vxlanEnabled: false"));
        // Felix's cleanUpVXLANDevice; the bound is 2 s.
        Await.until(Duration.ofSeconds(2), "VXLAN removed everywhere", () -> {
            for (String n : nodes) {
                if (KernelView.hasDevice(c.ns(n))) {
                    return n + " still has vxlan.calico";
                }
                if (!KernelView.routes(c.ns(n)).isEmpty()) {
                    return n + " still has " + KernelView.routes(c.ns(n));
                }
            }
            return null;
        });
        Await.until(Duration.ofSeconds(5), "disabled and ready", () -> {
            for (String n : nodes) {
                var a = c.agent(n);
                if (!"DISABLED".equals(a.status().state()) || !a.ready()) {
                    return n + ": " + a.status().state() + " " + a.reason();
                }
            }
            return null;
        });
        assertTrue(c.agent("node1").status().reason().contains("vxlanEnabled"), c.agent("node1").status().reason());

        c.resources.apply(Resources.felix("default", "vxlanEnabled: true"));
        c.awaitConverged(nodes, false, CONVERGE);
        assertNull(TestCluster.ping(c.workloads.get(0), c.workloads.get(2).ip()));
    }

    @Test
    void theDeviceDeletedOrChangedByHandIsRepairedWithinASecond() {
        List<String> nodes = List.of("node1", "node2");
        TestCluster c = converged(nodes, new NodeDef("node1", "10.250.1.1/24"), new NodeDef("node2", "10.250.1.2/24"));
        String n1 = c.ns("node1");
        var want = c.expected("node1", nodes, false);
        long resyncsBefore = c.agent("node1").counters().resyncs();

        Cmd.run("ip", "-n", n1, "link", "del", "vxlan.calico");
        Await.until(Duration.ofSeconds(1), "vxlan.calico and its entries back", () -> KernelView.hasDevice(n1)
                ? want.mismatchIn(n1) : "no vxlan.calico");

        Cmd.run("ip", "-n", n1, "link", "set", "vxlan.calico", "mtu", "1300");
        Await.until(Duration.ofSeconds(1), "MTU restored", () -> {
            int mtu = ((Number) KernelView.device(n1).get("mtu")).intValue();
            return mtu == 1450 ? null : "MTU " + mtu;
        });
        assertTrue(c.agent("node1").counters().resyncs() > resyncsBefore, "the repairs came through resyncs");
        assertNull(TestCluster.ping(c.workloads.get(0), c.workloads.get(1).ip()));
    }

    /**
     * The plan follows the Node's address, as Felix does (it takes the VTEP's parent address from the datastore), and
     * waits for an interface holding it. Either order of the two changes ends with the device on the new source.
     */
    @Test
    void aChangedParentAddressRecreatesTheDeviceWithTheNewSource() {
        List<String> nodes = List.of("node1", "node2");
        TestCluster c = converged(nodes, new NodeDef("node1", "10.250.1.1/24"), new NodeDef("node2", "10.250.1.2/24"));
        String n1 = c.ns("node1");

        // The Node first (as an operator, or calico-node's autodetection, would): no interface holds 10.250.1.11 yet.
        setNodeAddress(c, "node1", "10.250.1.11/24");
        Await.until(Duration.ofSeconds(10), "waiting for an interface", () -> "WAITING_FOR_INTERFACE".equals(
                c.agent("node1").status().state()) ? null : c.agent("node1").status().state());
        assertTrue(c.agent("node1").reason().contains("10.250.1.11"), c.agent("node1").reason());
        assertEquals("10.250.1.1", local(n1), "the device is left as it is while the plan waits");
        // Then the host: its address event ends the wait at once. (The new address is added before the old one goes,
        // so it must survive as the promoted primary.)
        c.nodeNs.get("node1").netlink().sysctlSet("net/ipv4/conf/eth0/promote_secondaries", "1");
        c.nodeNs.get("node1").ip("addr", "add", "10.250.1.11/24", "dev", "eth0");
        c.nodeNs.get("node1").ip("addr", "del", "10.250.1.1/24", "dev", "eth0");
        // The default route went with the old address; put it back as the host's network set-up would (proxy ARP on
        // the cali veths answers for 169.254.1.1 only while the host has a route to it).
        c.nodeNs.get("node1").ip("route", "replace", "default", "via", "10.250.1.254", "dev", "eth0");
        Await.until(Duration.ofSeconds(1), "device on the new source", () -> "10.250.1.11".equals(local(n1)) ? null
                : "local " + local(n1));
        Await.until(Duration.ofSeconds(10), "node2's FDB entry follows", () -> KernelView.fdb(c.ns("node2")).stream()
                .anyMatch(e -> e.contains("dst 10.250.1.11 ")) ? null : KernelView.fdb(c.ns("node2")).toString());
        assertNull(TestCluster.ping(c.workloads.get(1), c.workloads.get(0).ip()));

        // The other order: the host's address changes first; the plan (following the Node) waits, within a second.
        c.nodeNs.get("node1").ip("addr", "add", "10.250.1.21/24", "dev", "eth0");
        c.nodeNs.get("node1").ip("addr", "del", "10.250.1.11/24", "dev", "eth0");
        Await.until(Duration.ofSeconds(1), "waiting for an interface holding the Node's address",
                () -> "WAITING_FOR_INTERFACE".equals(c.agent("node1").status().state()) ? null
                        : c.agent("node1").status().state());
        assertTrue(!c.agent("node1").ready());
        setNodeAddress(c, "node1", "10.250.1.21/24");
        Await.until(Duration.ofSeconds(10), "device on the newest source", () -> "10.250.1.21".equals(local(n1)) ? null
                : "local " + local(n1));
        c.nodeNs.get("node1").ip("route", "replace", "default", "via", "10.250.1.254", "dev", "eth0");
        Await.until(Duration.ofSeconds(10), "node2's FDB entry follows again", () -> KernelView.fdb(c.ns("node2"))
                .stream().anyMatch(e -> e.contains("dst 10.250.1.21 ")) ? null : KernelView.fdb(c.ns("node2")).toString());
        Await.until(Duration.ofSeconds(10), "node1 ready", () -> c.agent("node1").ready() ? null : c.agent("node1").reason());
        assertNull(TestCluster.ping(c.workloads.get(1), c.workloads.get(0).ip()));
    }

    @SuppressWarnings("unchecked")
    static String local(String ns) {
        if (!KernelView.hasDevice(ns)) {
            return null;
        }
        Map<String, Object> info = (Map<String, Object>) ((Map<String, Object>) KernelView.device(ns).get("linkinfo"))
                .get("info_data");
        return (String) info.get("local");
    }

    static void setNodeAddress(TestCluster c, String node, String address) {
        Node n = c.nodeResource(node);
        Node.BGP bgp = n.spec().bgp();
        Node.Spec s = n.spec();
        c.resources.update(new Node(n.metadata(), new Node.Spec(new Node.BGP(bgp.asNumber(), address, bgp.ipv6Address(),
                bgp.ipv4IPIPTunnelAddr(), bgp.routeReflectorClusterID()), s.ipv4VXLANTunnelAddr(), s.vxlanTunnelMACAddr(),
                s.orchRefs(), s.wireguard(), s.addresses()), n.status()));
    }
}
