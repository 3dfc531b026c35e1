package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.testbed.routers.Afi;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code bin/tabby up --mode bgp --peer bird}: three nodes whose bgp-speakers peer in Calico's node-to-node mesh and
 * with a BIRD top-of-rack router in the underlay (a global BGPPeer), workloads reaching each other over plain routes,
 * BIRD as the graceful-restart helper of a crashed speaker, FRR and GoBGP in BIRD's place, and a deleted Node
 * withdrawn. One cluster start for the class (it costs most of a minute); the tests run in order and the last one
 * removes a node.
 *
 * <p>Calico v3.18's BIRD (calico/node confd template bird.cfg.template) is the reference: mesh sessions between
 * every pair of nodes, a global BGPPeer on every node, the pool's blocks exported with "next hop self", routes learned
 * from peers into the kernel via the advertising node, a blackhole for each own block (Felix's/BIRD's
 * "unreachable" static for the node's affine blocks).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BgpModeTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NODES = List.of("node1", "node2", "node3");

    Path tmp;
    LocalEtcd etcd;
    String prefix;
    Path varDir;
    String upOutput;
    /** The ToR router this test process started (after the swap from BIRD), or null. */
    Router tor;

    @BeforeAll
    void up() throws Exception {
        tmp = Files.createTempDirectory("tabby-bgp");
        // FRR's daemons drop to the frr user, which must get through to its work dir under here.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        etcd = LocalEtcd.start(tmp.resolve("etcd"));
        prefix = "tabby-t-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
        varDir = tmp.resolve("testbed");
        Run up = testbed("up", "--nodes", "3", "--workloads", "1", "--mode", "bgp", "--peer", "bird", "--prefix", prefix);
        upOutput = up.out();
        assertEquals(0, up.exit(), up.out());
        assertTrue(up.out().contains("every workload reaches every other"), up.out());
        assertEquals(7, ourNamespaces().size(), "underlay, 3 nodes, 3 workloads: " + ourNamespaces());
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (varDir != null && Files.exists(State.file(varDir))) {
                State state = State.load(varDir);
                Run down = testbed("down");
                assertEquals(0, down.exit(), down.out());
                assertTrue(down.out().contains("nothing left"), down.out());
                assertEquals(List.of(), ourNamespaces());
                List<State.ServiceProcess> all = new ArrayList<>(state.processes);
                all.addAll(state.routerProcesses);
                assertFalse(state.routerProcesses.isEmpty(), "the router's PID was recorded");
                for (State.ServiceProcess p : all) {
                    assertTrue(ProcessHandle.of(p.pid).map(h -> !h.isAlive()).orElse(true), p.service + " still runs");
                }
                assertFalse(Files.exists(varDir), "var dir removed");
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
            TestbedMain.deleteTree(tmp);
        }
    }

    @Test
    @Order(1)
    void everyWorkloadReachesEveryOtherWithoutEncapsulation() throws Exception {
        for (State.WorkloadInfo from : state().workloads) {
            for (State.WorkloadInfo to : state().workloads) {
                assertTrue(ping(from.namespace, to.ip), from.name + " does not reach " + to.name + " " + to.ip);
            }
        }
        for (String node : NODES) {
            // No VXLAN pool, so no tunnel: the traffic above went over plain routes.
            assertFalse(Shell.run("ip", "-n", nodeNs(node), "link", "show", "vxlan.calico").ok(), node + " has vxlan.calico");
            assertEquals(Layout.BGP_PORT, service(node, Services.BGP).port);
        }
        // status shows every node's BGP peers, from each speaker's /v1/peers: the two other nodes and the ToR.
        Run status = testbed("status", "-o", "json");
        assertEquals(0, status.exit(), status.out());
        JsonNode root = JSON.readTree(status.out());
        assertTrue(root.path("allPeersUp").asBoolean(), status.out());
        for (JsonNode n : root.path("nodes")) {
            Set<String> peers = new TreeSet<>();
            n.path("bgpPeers").forEach(p -> peers.add(p.path("address").asText() + " " + p.path("type").asText()
                    + " " + p.path("state").asText()));
            Set<String> wanted = new TreeSet<>();
            for (State.NodeInfo other : state().nodes) {
                if (!other.name.equals(n.path("name").asText())) {
                    wanted.add(TorRouter.address(other) + " node-to-node mesh up");
                }
            }
            wanted.add(Layout.torAddress() + " global up");
            assertEquals(wanted, peers, n.path("name").asText() + "'s peers");
        }
        Run table = testbed("status");
        assertTrue(table.out().contains("BGP PEERS") && table.out().contains("3/3 up"), table.out());
    }

    /** Oracle: ip -j route show proto 83 on each node, against the blocks the workloads' addresses lie in. */
    @Test
    @Order(2)
    void eachNodeRoutesTheOthersBlocksViaTheirUnderlayAddressAndBlackholesItsOwn() {
        Map<String, String> blocks = blocksByNode();
        for (String node : NODES) {
            Set<String> wanted = new TreeSet<>();
            blocks.forEach((owner, block) -> wanted.add(owner.equals(node) ? "blackhole " + block
                    : block + " via " + TorRouter.address(nodeInfo(owner)) + " dev eth0"));
            assertEquals(wanted, proto83(node), node + "'s proto 83 routes");
        }
    }

    @Test
    @Order(3)
    void theTopOfRackBirdLearnsEveryBlockAndTheUnderlayReachesTheWorkloads() {
        assertTrue(upOutput.contains("bird (top of rack) learned every node's blocks"), upOutput);
        Map<String, String> blocks = blocksByNode();
        for (String node : NODES) {
            String learned = birdc("show", "route", "protocol", birdProtocol(node));
            assertTrue(learned.contains(blocks.get(node)), "BIRD did not learn " + node + "'s block " + blocks.get(node)
                    + " from " + node + ":\n" + learned);
        }
        Set<String> kernel = new TreeSet<>(TorRouter.kernelRoutes(layout(), "bird").stream().map(r -> r.split(" ")[0]).toList());
        assertEquals(new TreeSet<>(blocks.values()), kernel, "BIRD's routes in the underlay's kernel");
        for (State.WorkloadInfo w : state().workloads) {
            assertTrue(ping(layout().underlay(), w.ip), "the underlay does not reach " + w.name + " " + w.ip);
        }
    }

    /**
     * kill -9 of node2's bgp-speaker: BIRD keeps node2's routes as its graceful-restart helper (RFC 4724) and the
     * underlay keeps reaching node2's workload; node2's kernel keeps its proto-83 routes (nobody removes them); after
     * the restart no route to a block is deleted in the ToR's or node2's kernel.
     */
    @Test
    @Order(4)
    void aCrashedSpeakerRestartsGracefullyWithoutARouteFlap() throws Exception {
        Map<String, String> blocks = blocksByNode();
        State.WorkloadInfo w2 = workloadOn("node2");
        Set<String> node2Routes = proto83("node2");
        List<String> torKernel = TorRouter.kernelRoutes(layout(), "bird");
        Monitor torMonitor = Monitor.start(layout().underlay(), tmp.resolve("monitor-tor.txt"));
        Monitor nodeMonitor = Monitor.start(nodeNs("node2"), tmp.resolve("monitor-node2.txt"));
        try {
            ProcessHandle speaker = ProcessHandle.of(service("node2", Services.BGP).pid).orElseThrow();
            speaker.destroyForcibly();
            speaker.onExit().get(10, TimeUnit.SECONDS);

            String protocol = birdProtocol("node2");
            Waiting.await(Duration.ofSeconds(20), () -> birdc("show", "protocols", "all", protocol).contains("Neighbor graceful restart active"),
                    "BIRD did not enter graceful restart for node2: " + birdc("show", "protocols", "all", protocol));
            String kept = birdc("show", "route", "protocol", protocol);
            assertTrue(kept.contains(blocks.get("node2")), "BIRD dropped node2's block while node2 restarts:\n" + kept);
            assertTrue(ping(layout().underlay(), w2.ip), "the underlay lost node2's workload while its speaker is down");
            assertEquals(node2Routes, proto83("node2"), "node2's kernel routes changed while its speaker is down");

            Run restart = testbed("restart", "--node", "node2", "--service", Services.BGP, "--kill");
            assertEquals(0, restart.exit(), restart.out());
            // Graceful restart ends when BIRD has node2's End-of-RIB and has swept what node2 did not send again.
            Waiting.await(Duration.ofSeconds(60), () -> {
                String p = birdc("show", "protocols", "all", protocol);
                return p.contains("Established") && !p.contains("graceful restart active");
            }, "node2's session with BIRD did not come back out of graceful restart");
            awaitHealthy();
        } finally {
            torMonitor.stop();
            nodeMonitor.stop();
        }
        for (Monitor m : List.of(torMonitor, nodeMonitor)) {
            List<String> flaps = m.lines().stream().filter(l -> l.startsWith("Deleted")
                    && blocks.values().stream().anyMatch(l::contains)).toList();
            assertEquals(List.of(), flaps, "routes to blocks deleted across the restart in " + m.netns + "; all it saw:\n"
                    + String.join("\n", m.lines()));
        }
        assertEquals(node2Routes, proto83("node2"), "node2's routes after the restart");
        assertEquals(torKernel, TorRouter.kernelRoutes(layout(), "bird"), "the ToR's kernel routes after the restart");
        assertTrue(ping(layout().underlay(), w2.ip), "the underlay does not reach node2's workload after the restart");
    }

    /**
     * node3's Node deleted with tabbyctl (Calico's cascade: its endpoints, blocks, BGPPeers go too) while its speaker
     * keeps running: the withdrawal must come from the datastore, as when an operator decommissions a node with
     * calicoctl, not from a process ending (which graceful restart would bridge for two minutes).
     */
    /**
     * FRR, then GoBGP, as the ToR in BIRD's place (same address, AS and global BGPPeer): the nodes' speakers peer with
     * each and each learns every node's block via that node; FRR's kernel routes carry the underlay to the workloads.
     * The swap is what {@code up --peer frr|gobgp} does after the cluster is up (TorRouter.start, TorCheck.report),
     * without a second cluster start; the new daemons are recorded in the state, so {@code down} stops them.
     */
    @Test
    @Order(5)
    void frrAndGobgpAsTheTopOfRackLearnEveryBlock() throws Exception {
        for (RouterKind kind : List.of(RouterKind.FRR, RouterKind.GOBGP)) {
            State state = state();
            state.routerProcesses.forEach(Services::stop);
            state.routerProcesses.clear();
            tor = TorRouter.start(layout(), state, kind, TorRouter.DEFAULT_CLUSTER_AS);
            java.io.StringWriter text = new java.io.StringWriter();
            boolean ok = TorCheck.report(new java.io.PrintWriter(text, true), layout(), state, tor);
            assertTrue(ok, kind.operatorName() + " as the ToR:\n" + text);
            assertTrue(text.toString().contains(kind.operatorName() + " (top of rack) learned every node's blocks"), text.toString());
            if (kind == RouterKind.FRR) {
                assertTrue(text.toString().contains("ping through frr's kernel routes") && !text.toString().contains(" --"),
                        text.toString());
            }
            Map<String, String> blocks = blocksByNode();
            for (String node : NODES) {
                String address = TorRouter.address(nodeInfo(node));
                assertTrue(tor.routes(Afi.IPV4).stream().anyMatch(r -> r.prefix().equals(blocks.get(node)) && r.nextHop().equals(address)),
                        kind.operatorName() + " lacks " + node + "'s block via " + address + ": " + tor.routes(Afi.IPV4));
            }
        }
        awaitHealthy();
    }

    @Test
    @Order(6)
    void aDeletedNodeIsWithdrawnFromTheOthersKernels() throws Exception {
        String block3 = blocksByNode().get("node3");
        Shell.Result r = ctl("delete", "node", "node3");
        assertEquals(0, r.exitCode(), "tabbyctl delete node node3: " + r.out() + r.err());
        for (String node : List.of("node1", "node2")) {
            Waiting.await(Duration.ofSeconds(30), () -> proto83(node).stream().noneMatch(x -> x.contains(block3)),
                    node + " still routes node3's block " + block3 + ": " + proto83(node));
        }
        Router router = tor;
        Waiting.await(Duration.ofSeconds(30), () -> router.routes(Afi.IPV4).stream().noneMatch(x -> x.prefix().equals(block3)),
                "the ToR (" + router.kind() + ") still has node3's block: " + router.routes(Afi.IPV4));
        State.WorkloadInfo w1 = workloadOn("node1");
        assertTrue(ping(w1.namespace, workloadOn("node2").ip), "node1's and node2's workloads lost each other");
    }

    // ---- helpers

    private record Run(int exit, String out) {
    }

    private Run testbed(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), TestbedMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TABBY_ROOT", ROOT.toString());
        pb.environment().put("TABBY_ETCD_ENDPOINTS", etcd.endpoint().toString());
        pb.environment().put("TABBY_TESTBED_VAR", varDir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), out);
    }

    private Shell.Result ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.tabby.ctl.Main", "--etcd-endpoints", etcd.endpoint().toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, null, 60);
    }

    private List<String> ourNamespaces() {
        return Shell.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(prefix)).toList();
    }

    private State state() {
        return State.load(varDir);
    }

    private Layout layout() {
        return Layout.of(state(), varDir);
    }

    private String nodeNs(String node) {
        return prefix + node;
    }

    private State.NodeInfo nodeInfo(String node) {
        return state().nodes.stream().filter(n -> n.name.equals(node)).findFirst().orElseThrow();
    }

    private State.WorkloadInfo workloadOn(String node) {
        return state().workloads.stream().filter(w -> w.node.equals(node)).findFirst().orElseThrow();
    }

    private State.ServiceProcess service(String node, String service) {
        return state().processes.stream().filter(p -> p.node.equals(node) && p.service.equals(service)).findFirst().orElseThrow();
    }

    /** Each node's block: the /26 (the testbed's pool block size) holding its one workload's address. */
    private Map<String, String> blocksByNode() {
        Map<String, String> out = new TreeMap<>();
        for (String node : NODES) {
            String[] o = workloadOn(node).ip.split("\\.");
            out.put(node, o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) & ~63) + "/26");
        }
        return out;
    }

    /** The node's proto-83 (bgp-speaker's) IPv4 routes: "blackhole CIDR" or "CIDR via GW dev DEV". */
    private Set<String> proto83(String node) {
        Shell.Result r = Shell.run("ip", "-n", nodeNs(node), "-j", "-4", "route", "show", "proto", "83");
        assertEquals(0, r.exitCode(), r.err());
        Set<String> out = new TreeSet<>();
        try {
            for (JsonNode route : JSON.readTree(r.out().isBlank() ? "[]" : r.out())) {
                String dst = route.path("dst").asText();
                out.add(route.path("type").asText("unicast").equals("blackhole") ? "blackhole " + dst
                        : dst + " via " + route.path("gateway").asText() + " dev " + route.path("dev").asText());
            }
        } catch (IOException e) {
            throw new AssertionError("ip -j route: " + e.getMessage(), e);
        }
        return out;
    }

    /** BIRD's protocol for a node: the router package names it after the neighbour's address (Peer_10_99_1_12). */
    private String birdProtocol(String node) {
        return "Peer_" + TorRouter.address(nodeInfo(node)).replace('.', '_');
    }

    /** birdc on the ToR's control socket (BirdRouter puts it in its work dir as bird.ctl). */
    private String birdc(String... args) {
        List<String> cmd = new ArrayList<>(List.of("birdc", "-s", TorRouter.workDir(layout()).resolve("bird.ctl").toString()));
        cmd.addAll(List.of(args));
        Shell.Result r = Shell.run(cmd, null, 10);
        return r.out() + r.err();
    }

    private static boolean ping(String netns, String ip) {
        return Shell.run("ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "1", ip).ok();
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Run status;
        do {
            Thread.sleep(1000);
            status = testbed("status", "-o", "json");
        } while (status.exit() != 0 && System.nanoTime() < deadline);
        assertEquals(0, status.exit(), "the testbed did not get healthy again: " + status.out());
    }

    /** {@code ip monitor route} in a namespace, into a file, until stopped (by its own PID). */
    private record Monitor(String netns, Process process, Path file) {
        static Monitor start(String netns, Path file) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("ip", "-n", netns, "monitor", "route").redirectErrorStream(true)
                    .redirectOutput(file.toFile()).start();
            Thread.sleep(300); // subscribed before anything happens
            return new Monitor(netns, p, file);
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }

        List<String> lines() {
            try {
                return Files.readAllLines(file);
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
