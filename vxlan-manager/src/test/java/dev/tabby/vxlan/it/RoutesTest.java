package dev.tabby.vxlan.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.ipam.ReleaseRequest;
import dev.tabby.ipam.model.Blocks;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.vxlan.agent.AgentSettings;
import dev.tabby.vxlan.testing.ClusterTestCase;
import dev.tabby.vxlan.testing.Await;
import dev.tabby.vxlan.testing.KernelView;
import dev.tabby.vxlan.testing.TestCluster;
import dev.tabby.vxlan.testing.TestCluster.NodeDef;
import dev.tabby.vxlan.testing.TestCluster.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The routes Felix's L3 route resolver adds beyond one per block, in a 3-node cluster with real etcd and namespaces:
 * /32s for borrowed addresses, blackholes for each node's own blocks, and the adoption of a migrated Calico host's
 * proto 3 routes on vxlan.calico.
 */
class RoutesTest extends ClusterTestCase {
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final List<String> NODES = List.of("node1", "node2", "node3");
    static final NodeDef[] ONE_SUBNET = {
            new NodeDef("node1", "10.250.1.1/24"), new NodeDef("node2", "10.250.1.2/24"),
            new NodeDef("node3", "10.250.1.3/24")};


    TestCluster converged() {
        cluster = TestCluster.build(kv, netns, "Always", 1, ONE_SUBNET);
        cluster.startAgents(Duration.ofSeconds(90));
        cluster.awaitConverged(NODES, false, CONVERGE);
        return cluster;
    }

    /** Routes of proto 81 to one address (iproute2 prints a /32 destination as a bare address). */
    static Set<String> slash32s(String ns) {
        return KernelView.routes(ns).stream().filter(r -> !r.startsWith("blackhole ") && !r.split(" ")[0].contains("/"))
                .collect(Collectors.toSet());
    }

    @Test
    void aBorrowedAddressIsRoutedToItsNodeEverywhereElseAndVanishesWhenReleased() {
        TestCluster c = converged();
        // An address of node2's block allocated for node1 (as Calico's IPAM borrows when node1's blocks are full).
        IpAddress borrowed = Blocks.addressAt(c.blockOf("node2"), 40);
        c.ipam.assignIp(borrowed, "borrowed-pod", Map.of("node", "node1"), "node1");
        Workload pod = c.attachWorkload("node1", 7, "borrowed-pod", borrowed);
        String toNode1 = borrowed + " via " + c.tunnelAddress("node1") + " dev vxlan.calico onlink";

        Await.until(Duration.ofSeconds(10), "the /32 on node2 and node3", () -> {
            for (String n : List.of("node2", "node3")) {
                if (!slash32s(c.ns(n)).equals(Set.of(toNode1))) {
                    return n + ": " + KernelView.routes(c.ns(n));
                }
            }
            return null;
        });
        assertEquals(Set.of(), slash32s(c.ns("node1")), "the hosting node routes it through the pod's cali veth");
        // node2 blackholes its block: only the /32 gets node2's pod there. Traffic from either other node answers.
        Workload onNode2 = c.workloads.get(1);
        Workload onNode3 = c.workloads.get(2);
        assertEquals("node2", onNode2.node());
        assertNull(TestCluster.ping(onNode2, borrowed));
        assertNull(TestCluster.ping(onNode3, borrowed));
        assertNull(TestCluster.ping(pod, onNode2.ip()));

        c.ipam.releaseIps(List.of(new ReleaseRequest(borrowed, "borrowed-pod")));
        Await.until(Duration.ofSeconds(10), "the /32 gone everywhere", () -> {
            for (String n : NODES) {
                if (!slash32s(c.ns(n)).isEmpty()) {
                    return n + ": " + KernelView.routes(c.ns(n));
                }
            }
            return null;
        });
        // Back to one route per remote block and one blackhole per node.
        for (String n : NODES) {
            assertNull(c.expected(n, NODES, false).mismatchIn(c.ns(n)));
        }
    }

    @Test
    void eachNodeBlackholesExactlyItsOwnBlockAndItsUnallocatedAddressesGoNowhere() {
        TestCluster c = converged();
        for (String n : NODES) {
            Set<String> blackholes = KernelView.routes(c.ns(n)).stream().filter(r -> r.startsWith("blackhole "))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("blackhole " + c.blockOf(n)), blackholes, n);
        }
        String node1 = c.ns("node1");
        IpAddress unallocated = Blocks.addressAt(c.blockOf("node1"), 50);
        Workload onNode2 = c.workloads.get(1);
        // The forwarding decision on node1 for a packet from node2's pod arriving through the tunnel: RTN_BLACKHOLE,
        // which the kernel's route lookup answers with EINVAL ("Invalid argument"; unreachable would be EHOSTUNREACH).
        Cmd.Result lookup = Cmd.exec("ip", "-n", node1, "route", "get", unallocated.toString(), "from",
                onNode2.ip().toString(), "iif", "vxlan.calico");
        assertTrue(lookup.exitCode() != 0 && lookup.stderr().contains("Invalid argument"),
                lookup.stdout() + lookup.stderr());
        // Without the blackhole that packet would leave by the default route, as one outside every block does.
        assertTrue(KernelView.routeGet(node1, "10.65.250.1").contains("via 10.250.1.254 dev eth0"),
                KernelView.routeGet(node1, "10.65.250.1"));
        // A real packet: node2's pod pings it, node1 drops it (nothing answers, nothing leaves node1's eth0 for it).
        Cmd.run("ip", "netns", "exec", node1, "iptables", "-w", "-I", "FORWARD", "-d", unallocated.toString(),
                "-j", "ACCEPT");
        assertNotNull(TestCluster.ping(onNode2, unallocated));
        String counters = Cmd.run("ip", "netns", "exec", node1, "iptables", "-w", "-L", "FORWARD", "-v", "-n", "-x");
        String rule = counters.lines().filter(l -> l.contains(unallocated.toString())).findFirst().orElseThrow();
        assertEquals("0", rule.trim().split("\\s+")[0], "a packet to an unallocated address was forwarded: " + rule);
        // An allocated address of the same block still works: the CNI's /32 beats the blackhole.
        assertNull(TestCluster.ping(onNode2, c.workloads.get(0).ip()));
    }

    @Test
    void aHostMigratedFromCalicoHasItsProto3RoutesOnVxlanCalicoAdoptedAndOthersLeftAlone() {
        TestCluster c = converged();
        String n1 = c.ns("node1");
        c.stopAgent("node1");
        // As Felix leaves them: every route on vxlan.calico with proto 3 (boot). Ours are gone, a stale one is there.
        Cmd.run("ip", "-n", n1, "route", "flush", "proto", "81");
        String block2 = c.blockOf("node2").toString();
        String block3 = c.blockOf("node3").toString();
        Cmd.run("ip", "-n", n1, "route", "add", block2, "via", c.tunnelAddress("node2"), "dev", "vxlan.calico", "onlink",
                "proto", "boot");
        Cmd.run("ip", "-n", n1, "route", "add", block3, "via", "10.65.99.9", "dev", "vxlan.calico", "onlink",
                "proto", "boot");
        Cmd.run("ip", "-n", n1, "route", "add", "10.65.77.0/26", "via", "10.65.77.1", "dev", "vxlan.calico", "onlink",
                "proto", "boot");
        // Someone else's proto 3 route via eth0: not ours, whatever its protocol.
        Cmd.run("ip", "-n", n1, "route", "add", "10.65.78.0/26", "via", "10.250.1.254", "dev", "eth0", "proto", "boot");

        c.startAgent("node1", AgentSettings.defaults("node1"));
        c.awaitConverged(NODES, false, CONVERGE);
        // (ip route add marks routes proto boot by default: the test's own cali and default routes are boot routes too.)
        assertTrue(KernelView.routesOfProtocol(n1, "boot").contains("10.65.78.0/26 via 10.250.1.254 dev eth0"),
                KernelView.routesOfProtocol(n1, "boot").toString());
        assertEquals("", Cmd.run("ip", "-n", n1, "route", "show", "dev", "vxlan.calico", "proto", "boot").strip());
        Await.until(Duration.ofSeconds(10), "node1 ready", () -> c.agent("node1").ready() ? null : c.agent("node1").reason());
        assertNull(TestCluster.ping(c.workloads.get(0), c.workloads.get(2).ip()));
    }

    static Cidr cidr(String s) {
        return Cidr.parse(s);
    }
}
