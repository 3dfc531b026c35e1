package dev.tabby.vxlan.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.TunnelAddressType;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.vxlan.plan.VtepMac;
import dev.tabby.vxlan.testing.ClusterTestCase;
import dev.tabby.vxlan.testing.Await;
import dev.tabby.vxlan.testing.KernelView;
import dev.tabby.vxlan.testing.TestCluster;
import dev.tabby.vxlan.testing.TestCluster.NodeDef;
import dev.tabby.vxlan.testing.TestCluster.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three nodes with two workloads each, in network namespaces, one VXLAN agent per node in this JVM, against a real
 * etcd: traffic, the exact kernel entries, node removal, restarts, drift, MTU.
 */
class VxlanClusterTest extends ClusterTestCase {
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final List<String> NODES = List.of("node-a", "node-b", "node-c");
    static final NodeDef[] ONE_SUBNET = {
            new NodeDef("node-a", "10.250.1.1/24"), new NodeDef("node-b", "10.250.1.2/24"),
            new NodeDef("node-c", "10.250.1.3/24")};


    TestCluster alwaysCluster(Duration resync) {
        cluster = TestCluster.build(kv, netns, "Always", 2, ONE_SUBNET);
        cluster.startAgents(resync);
        cluster.awaitConverged(NODES, false, CONVERGE);
        return cluster;
    }

    static List<String> pingAllPairs(TestCluster c) {
        List<String> failures = new ArrayList<>();
        for (Workload from : c.workloads) {
            for (Workload to : c.workloads) {
                if (!from.node().equals(to.node())) {
                    String bad = TestCluster.ping(from, to.ip());
                    if (bad != null) {
                        failures.add(bad);
                    }
                }
            }
        }
        return failures;
    }

    @Test
    void allPairsPingAcrossNodesAndEachNodeHoldsExactlyTheExpectedEntries() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        assertEquals(List.of(), pingAllPairs(c));
        for (String n : NODES) {
            assertNull(c.expected(n, NODES, false).mismatchIn(c.ns(n)));
            assertEquals(2, KernelView.fdb(c.ns(n)).size());
            Map<String, Object> dev = KernelView.device(c.ns(n));
            assertEquals(VtepMac.derived(n).toString(), dev.get("address"));
            assertEquals(1450, ((Number) dev.get("mtu")).intValue());
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) dev.get("linkinfo")).get("info_data");
            assertEquals(4096, ((Number) data.get("id")).intValue());
            assertEquals(4789, ((Number) data.get("port")).intValue());
            assertEquals(c.defs.get(n).ip().toString(), data.get("local"));
            assertEquals(Boolean.FALSE, data.get("learning"));
            assertTrue(c.agent(n).ready(), c.agent(n).reason());
        }
    }

    @Test
    void aResyncOfAConvergedNodeWritesNothing() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        var agent = c.agent("node-a");
        long resyncs = agent.counters().resyncs();
        long applies = agent.counters().applies();
        agent.requestResync();
        Await.until(Duration.ofSeconds(10), "a resync and its apply", () -> agent.counters().resyncs() > resyncs
                && agent.counters().applies() > applies ? null : agent.counters().toString());
        assertEquals(0, agent.lastApplyWrites(), "a resync rewrote kernel objects that were already right");
        assertTrue(agent.ready(), agent.reason());
    }

    @Test
    void eachNodeGotATunnelAddressFromItsBlockAndPublishedItsMac() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        for (String n : NODES) {
            var spec = c.nodeResource(n).spec();
            IpAddress tunnel = IpAddress.parse(spec.ipv4VXLANTunnelAddr());
            assertTrue(c.blockOf(n).contains(tunnel), n + " tunnel " + tunnel + " outside its block " + c.blockOf(n));
            assertEquals(VtepMac.derived(n).toString(), spec.vxlanTunnelMACAddr());
            var assignment = c.ipam.getAssignmentAttributes(tunnel).orElseThrow();
            assertEquals(TunnelAddressType.VXLAN.handleFor(n), assignment.handle());
            assertEquals("vxlanTunnelAddress", assignment.attributes().get("type"));
            var addrs = KernelView.device(c.ns(n));
            assertNotNull(addrs);
            String shown = Cmd.run("ip", "-n", c.ns(n), "-4", "-o", "addr", "show", "dev", "vxlan.calico");
            assertTrue(shown.contains(tunnel + "/32"), shown);
        }
    }

    @Test
    void aNodeRemovedFromTheDatastoreVanishesFromTheOthers() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        c.resources.delete(new ResourceId(Kind.NODE, null, "node-c"), null);
        List<String> rest = List.of("node-a", "node-b");
        c.awaitConverged(rest, false, CONVERGE);
        String cTunnel = c.ipam.addressesOf(TunnelAddressType.VXLAN.handleFor("node-c")).get(0).address().toString();
        for (String n : rest) {
            assertTrue(KernelView.fdb(c.ns(n)).stream().noneMatch(e -> e.contains("10.250.1.3")));
            assertTrue(KernelView.neigh(c.ns(n)).stream().noneMatch(e -> e.startsWith(cTunnel + " ")));
            assertTrue(KernelView.routes(c.ns(n)).stream().noneMatch(e -> e.startsWith(c.blockOf("node-c").toString())));
        }
        Workload a = c.workloads.get(0);
        Workload b = c.workloads.get(2);
        assertNull(TestCluster.ping(a, b.ip()));
    }

    @Test
    void aRestartedAgentAdoptsItsStateRemovesLeftoversAndTrafficNeverStops() throws Exception {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        String a = c.ns("node-a");
        c.stopAgent("node-a"); // as kill -9 would: nothing cleaned up
        // Leftovers of ours that a crashed run could leave behind, and one object that is not ours.
        Cmd.run("ip", "-n", a, "route", "add", "10.65.200.0/26", "via", "10.65.200.1", "dev", "vxlan.calico", "onlink",
                "proto", "81");
        Cmd.run("ip", "-n", a, "neigh", "add", "10.65.200.1", "lladdr", "66:00:00:00:00:99", "dev", "vxlan.calico",
                "nud", "permanent");
        Cmd.run("bridge", "-n", a, "fdb", "add", "66:00:00:00:00:99", "dev", "vxlan.calico", "dst", "10.250.1.99",
                "self", "permanent");
        // On vxlan.calico every route is ours whatever its protocol (Felix's removeExternalRoutes); via eth0 it is not.
        Cmd.run("ip", "-n", a, "route", "add", "10.65.201.0/26", "via", "10.65.201.1", "dev", "vxlan.calico", "onlink",
                "proto", "static");
        Cmd.run("ip", "-n", a, "route", "add", "10.65.202.0/26", "via", "10.250.1.200", "dev", "eth0", "proto", "static");

        Workload onA = c.workloads.get(0);
        Workload onB = c.workloads.get(2);
        Workload onC = c.workloads.get(4);
        // Pings through the restart: between the other nodes, and to and from the restarted one.
        Process bc = startPing(onB, onC.ip());
        Process ab = startPing(onA, onB.ip());
        Thread.sleep(500);
        c.startAgent("node-a", dev.tabby.vxlan.agent.AgentSettings.defaults("node-a"));
        c.awaitConverged(NODES, false, CONVERGE);
        Await.until(Duration.ofSeconds(10), "agent ready", () -> c.agent("node-a").ready() ? null : c.agent("node-a").reason());
        String bcOut = output(bc);
        String abOut = output(ab);
        assertEquals(0, bc.waitFor(), "B -> C pings during A's restart: " + bcOut);
        assertEquals(0, ab.waitFor(), "A -> B pings during A's restart: " + abOut);
        assertTrue(lostNone(bcOut), "B -> C lost pings during A's restart: " + bcOut);
        assertTrue(lostNone(abOut), "A -> B lost pings during A's restart: " + abOut);

        assertTrue(Cmd.run("ip", "-n", a, "route", "show", "10.65.202.0/26").contains("10.65.202.0/26"),
                "a route of another protocol via eth0 is not ours to remove");
        assertEquals("", Cmd.run("ip", "-n", a, "route", "show", "10.65.201.0/26").strip(),
                "every route on vxlan.calico is ours: an unwanted one goes, whatever its protocol");
        assertEquals(List.of(), pingAllPairs(c));
        // No duplicates: the kernel holds each entry once (the sets above would hide duplicates; count raw lines).
        assertEquals(2, Cmd.run("bridge", "-n", a, "fdb", "show", "dev", "vxlan.calico").strip().lines().count());
        assertEquals(2, Cmd.run("ip", "-n", a, "neigh", "show", "dev", "vxlan.calico").strip().lines().count());
        assertEquals(3, Cmd.run("ip", "-n", a, "route", "show", "proto", "81").strip().lines().count(),
                "two remote blocks and the blackhole of our own");
    }

    static Process startPing(Workload from, IpAddress to) throws Exception {
        return new ProcessBuilder("ip", "netns", "exec", from.ns().name(), "ping", "-n", "-q", "-i", "0.05", "-c", "60",
                "-W", "1", to.toString()).redirectErrorStream(true).start();
    }

    static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes()).strip();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static boolean lostNone(String pingSummary) {
        return pingSummary.contains(" 0% packet loss");
    }

    @Test
    void driftIsRepairedByThePeriodicResync() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(1));
        String a = c.ns("node-a");
        var want = c.expected("node-a", NODES, false);
        String bMac = VtepMac.derived("node-b").toString();
        Cmd.run("bridge", "-n", a, "fdb", "del", bMac, "dev", "vxlan.calico", "dst", "10.250.1.2", "self");
        Cmd.run("ip", "-n", a, "neigh", "del", c.tunnelAddress("node-c"), "dev", "vxlan.calico");
        Cmd.run("ip", "-n", a, "route", "del", c.blockOf("node-b").toString());
        Cmd.run("ip", "-n", a, "route", "add", "10.65.200.0/26", "via", "10.65.200.1", "dev", "vxlan.calico", "onlink",
                "proto", "81");
        Cmd.run("ip", "-n", a, "link", "set", "vxlan.calico", "mtu", "1300");
        Cmd.run("ip", "-n", a, "addr", "add", "192.0.2.1/32", "dev", "vxlan.calico");
        Await.until(Duration.ofSeconds(15), "drift repaired", () -> {
            String bad = want.mismatchIn(a);
            if (bad != null) {
                return bad;
            }
            int mtu = ((Number) KernelView.device(a).get("mtu")).intValue();
            String addrs = Cmd.run("ip", "-n", a, "-4", "-o", "addr", "show", "dev", "vxlan.calico");
            return mtu == 1450 && !addrs.contains("192.0.2.1") ? null : "mtu " + mtu + ", addresses " + addrs;
        });
        assertTrue(c.agent("node-a").counters().resyncs() > 0);
        assertEquals(List.of(), pingAllPairs(c));
    }

    @Test
    void aDontFragmentPingFitsTheComputedMtuAndOneByteMoreIsTooLong() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        String a = c.ns("node-a");
        int mtu = ((Number) KernelView.device(a).get("mtu")).intValue();
        assertEquals(1500 - 50, mtu);
        String target = c.workloads.get(2).ip().toString();
        Cmd.Result fits = Cmd.exec("ip", "netns", "exec", a, "ping", "-n", "-c1", "-W1", "-M", "do", "-s",
                Integer.toString(mtu - 28), target);
        assertEquals(0, fits.exitCode(), fits.stdout() + fits.stderr());
        Cmd.Result tooBig = Cmd.exec("ip", "netns", "exec", a, "ping", "-n", "-c1", "-W1", "-M", "do", "-s",
                Integer.toString(mtu - 27), target);
        assertTrue(tooBig.exitCode() != 0, tooBig.stdout());
        assertTrue((tooBig.stdout() + tooBig.stderr()).contains("message too long"), tooBig.stdout() + tooBig.stderr());
    }

    @Test
    void noVxlanPoolLeftMeansTheTunnelAddressIsReleasedAndEverythingRemoved() {
        TestCluster c = alwaysCluster(Duration.ofSeconds(90));
        var pool = c.resources.get(new ResourceId(Kind.IP_POOL, null, "vxlan-pool")).orElseThrow();
        var p = (dev.tabby.model.v3.IPPool) pool;
        var s = p.spec();
        c.resources.update(new dev.tabby.model.v3.IPPool(p.metadata(), new dev.tabby.model.v3.IPPool.Spec(s.cidr(),
                "Never", s.ipipMode(), s.natOutgoing(), s.disabled(), s.blockSize(), s.nodeSelector())));
        Await.until(CONVERGE, "VXLAN torn down", () -> {
            for (String n : NODES) {
                if (c.tunnelAddress(n) != null) {
                    return n + " still has tunnel address " + c.tunnelAddress(n);
                }
                if (KernelView.hasDevice(c.ns(n))) {
                    return n + " still has vxlan.calico";
                }
                if (!KernelView.routes(c.ns(n)).isEmpty()) {
                    return n + " still has routes " + KernelView.routes(c.ns(n));
                }
                if (!c.agent(n).ready()) {
                    return n + " not ready: " + c.agent(n).reason();
                }
            }
            return null;
        });
        for (String n : NODES) {
            assertEquals(List.of(), c.ipam.addressesOf(TunnelAddressType.VXLAN.handleFor(n)));
            assertEquals("INACTIVE", c.agent(n).status().state());
        }
    }

    @Test
    void nothingIsWrittenBeforeTheDatastoreIsInSync() throws Exception {
        cluster = TestCluster.build(kv, netns, "Always", 1, ONE_SUBNET[0], ONE_SUBNET[1]);
        String a = cluster.ns("node-a");
        Cmd.run("ip", "-n", a, "route", "add", "10.65.200.0/26", "via", "10.250.1.200", "dev", "eth0", "proto", "81");
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // nothing listens there once closed
        }
        try (KeyValueStore nowhere = KeyValueStore.connect(dev.tabby.datastore.EtcdConfig.fromEnvironment(
                Map.of("TABBY_ETCD_ENDPOINTS", "http://127.0.0.1:" + port, "TABBY_ETCD_TIMEOUT", "1s")));
             var nl = dev.tabby.netlink.Netlink.at(cluster.nodeNs.get("node-a").path());
             var agent = new dev.tabby.vxlan.agent.VxlanAgent(nowhere, nl,
                     dev.tabby.vxlan.agent.AgentSettings.defaults("node-a").withResyncInterval(Duration.ofSeconds(1)))
                     .start()) {
            Thread.sleep(3000);
            assertTrue(!KernelView.hasDevice(a), "vxlan.calico created before the datastore was in sync");
            assertEquals(1, KernelView.routes(a).size(), "a route of ours was touched before in-sync");
            assertTrue(!agent.ready());
            assertTrue(agent.reason().startsWith("datastore: WAIT_FOR_DATASTORE since "), agent.reason());
        }
        // With the datastore reachable, the same leftover is removed.
        cluster.startAgents(Duration.ofSeconds(90));
        cluster.awaitConverged(List.of("node-a", "node-b"), false, CONVERGE);
    }

    /**
     * Ready means the kernel holds everything (Felix: ready after its first dataplane apply completes). A fresh node
     * first applies while it waits for its tunnel address; that apply must not count, nor may the apply that programs
     * the device be called done before its last entry is written. 400 remote nodes make that apply last long enough
     * to be seen: readiness is watched without pause, and the kernel counted the moment it turns.
     */
    @Test
    void aFreshNodeIsReadyOnlyOnceItsKernelHoldsEveryEntry() throws Exception {
        int remotes = 400;
        cluster = TestCluster.build(kv, netns, "Always", 1, ONE_SUBNET[0]);
        List<dev.tabby.datastore.KvEntry> entries = new ArrayList<>();
        Cidr own = cluster.blockOf("node-a");
        for (int i = 0, b = 0; i < remotes; i++, b++) {
            String name = String.format(java.util.Locale.ROOT, "remote-%03d", i);
            Cidr block = new Cidr(IpAddress.parse("10.65." + (128 + b / 4) + "." + (b % 4) * 64), 26);
            if (block.equals(own)) {
                block = new Cidr(IpAddress.parse("10.65." + (128 + ++b / 4) + "." + (b % 4) * 64), 26);
            }
            String underlay = "10.252." + (i / 200) + "." + (i % 200 + 1) + "/16";
            entries.add(new dev.tabby.datastore.KvEntry(dev.tabby.datastore.ResourceStore.prefix(Kind.NODE, null) + name,
                    dev.tabby.model.codec.ResourceCodec.toStoredValue(dev.tabby.vxlan.testing.Resources.node(name,
                            underlay, block.address().toString(), VtepMac.derived(name).toString())), 0, 0));
            entries.add(new dev.tabby.datastore.KvEntry(dev.tabby.ipam.model.IpamKeys.block(block),
                    dev.tabby.ipam.model.IpamJson.encode(dev.tabby.ipam.model.AllocationBlock.create(block, name)), 0, 0));
        }
        for (int i = 0; i < entries.size(); i += 100) {
            kv.putAll(entries.subList(i, Math.min(entries.size(), i + 100)));
        }
        // Its tunnel address is written below, as the allocator would, so the first apply surely waits for it.
        var agent = cluster.startAgent("node-a", dev.tabby.vxlan.agent.AgentSettings.defaults("node-a")
                .withResyncInterval(Duration.ofSeconds(90)).withAllocateTunnelAddress(false));
        Await.until(CONVERGE, "a first apply waiting for the tunnel address", () -> agent.loopStatus().applied()
                && "WAITING_FOR_NODE".equals(agent.status().state()) ? null : agent.status().state() + " " + agent.reason());
        assertTrue(!agent.ready(), "ready while waiting for its tunnel address");

        var n = cluster.nodeResource("node-a");
        var s = n.spec();
        byte[] t = own.address().bytes();
        t[3] += 60;
        String tunnel = IpAddress.of(t).toString();
        cluster.resources.update(new dev.tabby.model.v3.Node(n.metadata(), new dev.tabby.model.v3.Node.Spec(s.bgp(),
                tunnel, VtepMac.derived("node-a").toString(), s.orchRefs(), s.wireguard(), s.addresses()), n.status()));
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (!agent.ready()) {
            assertTrue(System.nanoTime() < deadline, "not ready within " + CONVERGE + ": " + agent.reason());
            Thread.onSpinWait();
        }
        try (var probe = dev.tabby.netlink.Netlink.at(cluster.nodeNs.get("node-a").path())) {
            int index = probe.linkByName("vxlan.calico").map(l -> l.index()).orElse(0);
            assertTrue(index > 0, "ready without vxlan.calico");
            int routes = probe.routeList(new dev.tabby.netlink.RouteFilter(dev.tabby.netlink.Family.INET,
                    dev.tabby.netlink.Route.MAIN_TABLE, dev.tabby.netlink.RouteProtocol.VXLAN, null, null)).size();
            long arp = probe.neighList(index, dev.tabby.netlink.Family.INET).stream()
                    .filter(x -> (x.state() & dev.tabby.netlink.Neigh.PERMANENT) != 0).count();
            int fdb = probe.fdbList(index).size();
            assertEquals(List.of(remotes, (long) remotes, remotes + 1), List.of(fdb, arp, routes),
                    "FDB, ARP entries and routes (with the own block's blackhole) at the moment it turned ready");
        }
    }

    static Cidr cidr(String s) {
        return Cidr.parse(s);
    }
}
