package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The whole testbed as {@code bin/tabby up / workload / restart / status / down} drive it: three nodes, their real
 * services running inside the nodes' network namespaces, workloads attached through tabby-cni on the nodes, traffic
 * across the VXLAN overlay. One testbed for the class (an up costs half a minute); each test leaves it as it found
 * it. Its own etcd, namespace prefix and var dir keep it apart from an operator's testbed. The node services run as
 * plain processes here; {@link PodmanTestbedTest} runs the same tests on containers ({@code --runtime podman}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestbedTest {
    static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    Path tmp;
    LocalEtcd etcd;
    String prefix;
    Path varDir;

    /** How the node services run: bin/tabby up's --runtime. */
    String runtime() {
        return "process";
    }

    @BeforeAll
    void up() throws Exception {
        if (runtime().equals(ContainerServices.RUNTIME)) {
            BuiltImages.ensure(ROOT);
        }
        tmp = Files.createTempDirectory("tabby-testbed-test");
        etcd = LocalEtcd.start(tmp.resolve("etcd"));
        prefix = (runtime().equals(ContainerServices.RUNTIME) ? "tabby-c-" : "tabby-t-") + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
        varDir = tmp.resolve("testbed");
        Run up = testbed("up", "--runtime", runtime(), "--nodes", "3", "--workloads", "1", "--prefix", prefix);
        assertEquals(0, up.exit(), up.out());
        assertTrue(up.out().contains("every workload reaches every other"), up.out());
        assertEquals(7, ourNamespaces().size(), "underlay, 3 nodes, 3 workloads: " + ourNamespaces());
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (Files.exists(State.file(varDir))) {
                State state = State.load(varDir);
                Run down = testbed("down");
                assertEquals(0, down.exit(), down.out());
                assertTrue(down.out().contains("nothing left"), down.out());
                assertEquals(List.of(), ourNamespaces());
                assertEquals(List.of(), ContainerServices.leftOver(prefix), "containers left");
                for (State.ServiceProcess p : state.processes) {
                    assertTrue(ProcessHandle.of(p.pid).map(h -> !h.isAlive()).orElse(true), p.service + " still runs");
                }
                assertFalse(Files.exists(varDir), "var dir removed");
            }
        } finally {
            if (runtime().equals(ContainerServices.RUNTIME)) {
                // After a failed down: remove what carries our own label, never anything else.
                ContainerServices.leftOver(prefix).forEach(c -> Shell.run(List.of("podman", "rm", "-f", c), null, 60));
            }
            etcd.close();
            TestbedMain.deleteTree(tmp);
        }
    }

    record Run(int exit, String out) {
    }

    Run testbed(String... args) throws IOException, InterruptedException {
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

    private List<String> ourNamespaces() {
        return Shell.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(prefix)).toList();
    }

    State state() {
        return State.load(varDir);
    }

    Layout layout() {
        return Layout.of(state(), varDir);
    }

    private State.WorkloadInfo workloadOn(String node) {
        return state().workloads.stream().filter(w -> w.node.equals(node) && w.name.startsWith("wl-")).findFirst().orElseThrow();
    }

    private State.ServiceProcess service(String node, String service) {
        return state().processes.stream().filter(p -> p.node.equals(node) && p.service.equals(service)).findFirst().orElseThrow();
    }

    private static boolean ping(State.WorkloadInfo from, String to) {
        return Shell.run("ip", "netns", "exec", from.namespace, "ping", "-c", "1", "-W", "1", to).ok();
    }

    void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Run status;
        do {
            Thread.sleep(1000);
            status = testbed("status", "-o", "json");
        } while (status.exit() != 0 && System.nanoTime() < deadline);
        assertEquals(0, status.exit(), "the testbed did not get healthy again: " + status.out());
    }

    private String nodeNs(String node) {
        return prefix + node;
    }

    /** An address of the /26 block holding {@code member}, at offset {@code offset} in it. */
    private static String inBlockOf(String member, int offset) {
        String[] o = member.split("\\.");
        int base = Integer.parseInt(o[3]) & ~63;
        return o[0] + "." + o[1] + "." + o[2] + "." + (base + offset);
    }

    private static String ipOut(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, null, 30).out();
    }

    @Test
    @Order(1)
    void everyServiceRunsInsideItsNodesNamespaceOnItsStandardPort() {
        State state = state();
        assertEquals(12, state.processes.size(), "four services on each of three nodes");
        for (State.ServiceProcess p : state.processes) {
            String ns = Shell.run("ip", "netns", "identify", Long.toString(p.pid)).out().strip();
            assertEquals(nodeNs(p.node), ns, p.service + " of " + p.node + " (pid " + p.pid + ") runs in the wrong namespace");
            if (p.port != 0) {
                NamespaceHttp.Response r = NamespaceHttp.get(Layout.netnsPath(ns), p.port, "/q/health/ready");
                assertNotNull(r, p.service + " does not answer on 127.0.0.1:" + p.port + " inside " + ns);
                assertTrue(r.status() == 200 || r.status() == 503, p.service + " readiness: " + r);
            }
        }
        assertEquals(Layout.VXLAN_PORT, service("node1", Services.VXLAN).port);
        assertEquals(Layout.PROBE_PORT, service("node1", Services.PROBE).port);
        assertEquals(Layout.POLICY_PORT, service("node1", Services.POLICY).port);
        // The CNI daemon listens on the production default path, which on the node is that node's own directory.
        assertTrue(Files.exists(layout().nodeDir("node1").resolve("run/cni.sock")), "node1's /run/tabby/cni.sock");
        // The probe in a node judges that node: the node's eth0, not this host's interfaces.
        String report = Services.get(layout(), "node1", Layout.PROBE_PORT, "/v1/report");
        assertNotNull(report, "node1's probe report");
        assertTrue(report.contains("default via " + Layout.ETCD_ADDRESS + " dev eth0"),
                "node1's probe judged another namespace's routes, not node1's: " + report);
    }

    /**
     * kill -9 of node1's vxlan-manager while node1's workload pings node2's and node3's: the kernel keeps forwarding
     * (no reply lost), and the new manager ends with exactly one route, ARP and FDB entry per peer.
     */
    @Test
    @Order(2)
    void killedManagerLosesNoTrafficAndConvergesWithoutDuplicates() throws Exception {
        State.WorkloadInfo w1 = workloadOn("node1");
        List<Process> pingers = new ArrayList<>();
        for (String node : List.of("node2", "node3")) {
            pingers.add(new ProcessBuilder("ip", "netns", "exec", w1.namespace, "ping", "-c", "40", "-i", "0.25", "-W", "1",
                    workloadOn(node).ip).redirectErrorStream(true).start());
        }
        Thread.sleep(1000);
        Run restart = testbed("restart", "--node", "node1", "--service", "vxlan-manager", "--kill");
        assertEquals(0, restart.exit(), restart.out());
        for (Process pinger : pingers) {
            String out = new String(pinger.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            pinger.waitFor(30, TimeUnit.SECONDS);
            assertTrue(out.contains("40 received"), "node1's traffic stopped while its manager restarted:\n" + out);
        }
        awaitHealthy();
        String ns = nodeNs("node1");
        assertEquals(2, ipOut("-n", ns, "route", "show", "proto", "81", "dev", "vxlan.calico").lines().count(),
                "one route per remote block: " + ipOut("-n", ns, "route", "show", "proto", "81"));
        assertEquals(2, ipOut("-n", ns, "neigh", "show", "dev", "vxlan.calico", "nud", "permanent").lines().count());
        assertEquals(2, Shell.run("bridge", "-n", ns, "fdb", "show", "dev", "vxlan.calico").out().lines()
                .filter(l -> l.contains(" dst ") && !l.startsWith("00:00:00:00:00:00")).count());
    }

    /**
     * A workload on node1 whose address lies in node2's block (CNI_ARGS IP=) is reachable from every other workload,
     * through restarts, through a /32 route on every other node; the /32s go when it does.
     */
    @Test
    @Order(3)
    void borrowedAddressIsReachableClusterWideAndItsRoutesGoWithIt() throws Exception {
        String borrowed = inBlockOf(workloadOn("node2").ip, 50);
        Run add = testbed("workload", "add", "borrowed", "--node", "node1", "--ip", borrowed);
        assertEquals(0, add.exit(), add.out());
        assertEquals(borrowed, add.out().strip().lines().reduce((a, b) -> b).orElse(""));
        State.WorkloadInfo b = state().workloads.stream().filter(w -> w.name.equals("borrowed")).findFirst().orElseThrow();
        for (String node : List.of("node2", "node3")) {
            Waiting.await(Duration.ofSeconds(10), () -> ipOut("-n", nodeNs(node), "route", "show", borrowed + "/32").contains("vxlan.calico"),
                    node + " has no /32 route for the borrowed " + borrowed + ": " + ipOut("-n", nodeNs(node), "route"));
        }
        assertEquals("", ipOut("-n", nodeNs("node1"), "route", "show", borrowed + "/32", "proto", "81").strip(),
                "node1 hosts it: its cali route serves it, not a vxlan route");
        for (String node : List.of("node1", "node2", "node3")) {
            State.WorkloadInfo from = workloadOn(node);
            Waiting.await(Duration.ofSeconds(10), () -> ping(from, borrowed), from.name + " cannot reach the borrowed " + borrowed);
            assertTrue(ping(b, from.ip), "the borrowed workload cannot reach " + from.name);
        }
        for (String node : List.of("node2", "node3")) {
            assertEquals(0, testbed("restart", "--node", node, "--service", "vxlan-manager", "--kill").exit());
        }
        awaitHealthy();
        for (String node : List.of("node2", "node3")) {
            State.WorkloadInfo from = workloadOn(node);
            Waiting.await(Duration.ofSeconds(20), () -> ping(from, borrowed), from.name + " lost the borrowed " + borrowed + " after restarts");
        }
        Run del = testbed("workload", "del", "borrowed");
        assertEquals(0, del.exit(), del.out());
        for (String node : List.of("node2", "node3")) {
            Waiting.await(Duration.ofSeconds(10), () -> ipOut("-n", nodeNs(node), "route", "show", borrowed + "/32").isBlank(),
                    node + " kept the /32 of the deleted " + borrowed);
        }
    }

    /** An address of node1's block that nobody holds, sent to from node2, is dropped on node1, not routed onwards. */
    @Test
    @Order(4)
    void unallocatedAddressOfALocalBlockIsBlackholed() throws Exception {
        String nobody = inBlockOf(workloadOn("node1").ip, 61);
        assertFalse(state().workloads.stream().anyMatch(w -> w.ip.equals(nobody)), "the test's address must be free");
        // The kernel answers a lookup that ends in a blackhole route with EINVAL ("Invalid argument"), and the most
        // specific route covering the address is the block's blackhole.
        Shell.Result decision = Shell.run("ip", "-n", nodeNs("node1"), "route", "get", nobody);
        assertTrue(decision.out().startsWith("blackhole") || (!decision.ok() && decision.err().contains("Invalid argument")),
                "node1 would route " + nobody + " onwards: " + decision.out() + decision.err());
        String covering = ipOut("-n", nodeNs("node1"), "route", "show", "match", nobody);
        assertTrue(covering.lines().anyMatch(l -> l.startsWith("blackhole " + inBlockOf(nobody, 0) + "/26")),
                "no blackhole covers " + nobody + " on node1: " + covering);
        assertFalse(ping(workloadOn("node2"), nobody));
        String block = inBlockOf(workloadOn("node1").ip, 0) + "/26";
        assertEquals(1, ipOut("-n", nodeNs("node1"), "route", "show", "type", "blackhole", "proto", "81").lines()
                .filter(l -> l.contains(block)).count(), "one blackhole for node1's block " + block);
    }

    /** vxlanMTU 1350: the devices and every new workload get 1350; a DF ping of 1350 bytes passes, 1351 does not. */
    @Test
    @Order(5)
    void vxlanMtuFromFelixConfigurationReachesDevicesAndNewWorkloads() throws Exception {
        ctl("apply", "-f", "-", """
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: default
                spec:
                  vxlanMTU: 1350
                """);
        try {
            for (String node : List.of("node1", "node2", "node3")) {
                Waiting.await(Duration.ofSeconds(10), () -> ipOut("-n", nodeNs(node), "link", "show", "vxlan.calico").contains("mtu 1350 "),
                        node + "'s vxlan.calico did not get MTU 1350: " + ipOut("-n", nodeNs(node), "link", "show", "vxlan.calico"));
                Waiting.await(Duration.ofSeconds(5), () -> mtuFile(node).equals("1350"), node + "'s MTU file says " + mtuFile(node));
            }
            Run add = testbed("workload", "add", "small", "--node", "node1");
            assertEquals(0, add.exit(), add.out());
            State.WorkloadInfo small = state().workloads.stream().filter(w -> w.name.equals("small")).findFirst().orElseThrow();
            assertTrue(ipOut("-n", small.namespace, "link", "show", "eth0").contains("mtu 1350 "),
                    ipOut("-n", small.namespace, "link", "show", "eth0"));
            String target = workloadOn("node2").ip;
            // 1350-byte IP packets: 20 IP + 8 ICMP + 1322 payload.
            Shell.Result fits = Shell.run("ip", "netns", "exec", small.namespace, "ping", "-M", "do", "-c", "1", "-W", "2", "-s", "1322", target);
            assertTrue(fits.ok(), "a 1350-byte DF ping must pass: " + fits.out() + fits.err());
            Shell.Result tooBig = Shell.run("ip", "netns", "exec", small.namespace, "ping", "-M", "do", "-c", "1", "-W", "2", "-s", "1323", target);
            assertFalse(tooBig.ok(), "a 1351-byte DF ping must fail: " + tooBig.out());
            assertEquals(0, testbed("workload", "del", "small").exit());
        } finally {
            ctl("apply", "-f", "-", """
                    apiVersion: projectcalico.org/v3
                    kind: FelixConfiguration
                    metadata:
                      name: default
                    spec: {}
                    """);
        }
        for (String node : List.of("node1", "node2", "node3")) {
            Waiting.await(Duration.ofSeconds(10), () -> ipOut("-n", nodeNs(node), "link", "show", "vxlan.calico").contains("mtu 1450 "),
                    node + "'s vxlan.calico did not go back to 1450");
        }
    }

    /** Operators and tests shape the cluster: a labelled workload in a namespace, exec in it, list it, delete it. */
    @Test
    @Order(7)
    void workloadCommandsShapeTheClusterAndLabelsReachTheEndpoint() throws Exception {
        Run add = testbed("workload", "add", "web", "--node", "node2", "--namespace", "shop", "--labels", "app=web,tier=front");
        assertEquals(0, add.exit(), add.out());
        String ip = add.out().strip().lines().reduce((a, b) -> b).orElse("");
        try (KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            List<WorkloadEndpoint> weps = new ResourceStore(kv)
                    .list(Kind.WORKLOAD_ENDPOINT, "shop").items().stream()
                    .map(WorkloadEndpoint.class::cast).toList();
            assertEquals(1, weps.size(), "one WorkloadEndpoint in namespace shop: " + weps);
            Map<String, String> labels = weps.get(0).metadata().labelsOrEmpty();
            assertEquals("web", labels.get("app"), labels.toString());
            assertEquals("front", labels.get("tier"), labels.toString());
            assertEquals("node2", weps.get(0).spec().node());
            assertEquals(List.of(ip + "/32"), weps.get(0).spec().ipNetworks());
        }
        Run list = testbed("workload", "list", "-o", "json");
        assertEquals(0, list.exit(), list.out());
        JsonNode web = null;
        for (JsonNode w : JSON.readTree(list.out())) {
            if (w.path("name").asText().equals("web")) {
                web = w;
            }
        }
        assertNotNull(web, list.out());
        assertEquals(ip, web.path("ip").asText());
        assertEquals("shop", web.path("namespace").asText());
        Run exec = testbed("workload", "exec", "web", "--", "ip", "-4", "-o", "addr", "show", "dev", "eth0");
        assertEquals(0, exec.exit(), exec.out());
        assertTrue(exec.out().contains(ip + "/32"), exec.out());
        assertEquals(7, testbed("workload", "exec", "web", "--", "sh", "-c", "exit 7").exit(), "exec passes the exit code on");
        Run bad = testbed("workload", "add", "Bad_Name", "--node", "node1");
        assertEquals(1, bad.exit());
        assertTrue(bad.out().contains("workload name \"Bad_Name\""), bad.out());
        assertEquals(0, testbed("workload", "del", "web").exit());
        try (KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            assertEquals(0, new ResourceStore(kv).list(Kind.WORKLOAD_ENDPOINT, "shop")
                    .items().size(), "DEL removed the WorkloadEndpoint");
        }
        assertFalse(ourNamespaces().contains(layout().workloadNamespace("web")));
    }

    private String mtuFile(String node) {
        try {
            return Files.readString(OnNode.libFile(layout().nodeDir(node), "mtu")).strip();
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void ctl(String... argsAndStdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.tabby.ctl.Main", "--etcd-endpoints", etcd.endpoint().toString()));
        cmd.addAll(List.of(argsAndStdin).subList(0, argsAndStdin.length - 1));
        Shell.Result r = Shell.run(cmd, argsAndStdin[argsAndStdin.length - 1], 60);
        assertEquals(0, r.exitCode(), "tabbyctl " + cmd + ": " + r.out() + r.err());
    }

    /**
     * etcd killed: within 10 s every service with a datastore says not ready (liveness stays up) and the kernel keeps
     * forwarding; the services log a line per state change, not a warning a second; all recover when etcd returns.
     */
    @Test
    @Order(6)
    void servicesTellTheTruthWhileEtcdIsDownAndRecoverOnTheirOwn() throws Exception {
        awaitHealthy();
        Layout layout = layout();
        List<State.ServiceProcess> http = state().processes.stream().filter(p -> p.port != 0).toList();
        List<Long> logSizes = new ArrayList<>();
        for (State.ServiceProcess p : http) {
            logSizes.add(Files.size(Path.of(p.log)));
        }
        etcd.kill();
        try {
            long killedAt = System.nanoTime();
            for (State.ServiceProcess p : http) {
                Waiting.await(Duration.ofSeconds(10).minusNanos(System.nanoTime() - killedAt), () -> !readyAnswer(layout, p),
                        p.service + " on " + p.node + " still says ready with etcd down");
            }
            for (State.ServiceProcess p : http) {
                NamespaceHttp.Response live = NamespaceHttp.get(Layout.netnsPath(nodeNs(p.node)), p.port, "/q/health/live");
                assertNotNull(live);
                assertEquals(200, live.status(), p.service + " on " + p.node + " liveness: " + live.body());
            }
            assertTrue(ping(workloadOn("node1"), workloadOn("node3").ip), "the kernel must keep forwarding with etcd down");
            Thread.sleep(15_000);
            for (int i = 0; i < http.size(); i++) {
                State.ServiceProcess p = http.get(i);
                String added = Files.readString(Path.of(p.log)).substring((int) (long) logSizes.get(i));
                long warnings = added.lines().filter(l -> l.contains("level=WARN") || l.contains(" WARN ")).count();
                assertTrue(warnings <= 6, p.service + " on " + p.node + " logged " + warnings + " warnings in ~20 s of outage:\n" + added);
            }
        } finally {
            etcd.startAgain();
        }
        for (State.ServiceProcess p : http) {
            if (p.service.equals(Services.VXLAN)) {
                Waiting.await(Duration.ofSeconds(30), () -> readyAnswer(layout, p), p.service + " on " + p.node + " did not recover");
            }
        }
        awaitHealthy();
    }

    private static boolean readyAnswer(Layout layout, State.ServiceProcess p) {
        if (p.service.equals(Services.PROBE)) {
            String report = Services.get(layout, p.node, p.port, "/v1/report");
            NamespaceHttp.Response ready = NamespaceHttp.get(Layout.netnsPath(layout.nodeNamespace(p.node)), p.port, "/q/health/ready");
            try {
                JsonNode state = report == null ? null : JSON.readTree(report).path("datastore").path("state");
                boolean connected = state != null && !state.isMissingNode() && !state.asText().equals("unreachable");
                return connected && ready != null && !ready.body().toLowerCase().contains("datastore");
            } catch (IOException e) {
                return false;
            }
        }
        return "ready".equals(Services.readiness(layout, p));
    }
}
