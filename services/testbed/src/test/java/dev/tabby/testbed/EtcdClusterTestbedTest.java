package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code bin/tabby up --etcd-members 3}: two nodes, one workload each, and etcd as a three-member cluster, each
 * member in a namespace of its own on the underlay. Losing the leader costs the dataplane nothing and changes still
 * reach the nodes; losing quorum takes the services' readiness down until the members return. No etcd on this host
 * is used: the testbed is told an endpoint where nothing listens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterTestbedTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    /** The services' readiness goes down within 10 s of losing the datastore (architecture.md); a status poll more. */
    private static final Duration NOT_READY_WITHIN = Duration.ofSeconds(15);
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    Path tmp;
    String prefix;
    Path varDir;
    final List<Long> etcdPids = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        tmp = Files.createTempDirectory("tabby-etcd-cluster-testbed");
        prefix = "tabby-e-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
        varDir = tmp.resolve("testbed");
        Run up = testbed("up", "--etcd-members", "3", "--nodes", "2", "--workloads", "1", "--prefix", prefix);
        assertEquals(0, up.exit(), up.out());
        assertTrue(up.out().contains("every workload reaches every other"), up.out());
        assertTrue(up.out().contains("TABBY_ETCD_ENDPOINTS=http://127.0.0.1:"), "up tells how to reach etcd: " + up.out());
        assertEquals(8, ourNamespaces().size(), "underlay, 2 nodes, 3 etcd members, 2 workloads: " + ourNamespaces());
        state().etcdMembers.forEach(p -> etcdPids.add(p.pid));
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (Files.exists(State.file(varDir))) {
                State state = state();
                Run down = testbed("down");
                assertEquals(0, down.exit(), down.out());
                assertTrue(down.out().contains("nothing left"), down.out());
                assertEquals(List.of(), ourNamespaces());
                List<Long> pids = new ArrayList<>(etcdPids);
                state.etcdMembers.forEach(p -> pids.add(p.pid));
                state.processes.forEach(p -> pids.add(p.pid));
                pids.add(state.etcdHostForwarder.pid);
                for (long pid : pids) {
                    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
                }
                assertFalse(Files.exists(varDir), "var dir (with the members' data) removed");
            }
        } finally {
            TestbedMain.deleteTree(tmp);
        }
    }

    @Test
    @Order(1)
    void everyNodeIsGivenEveryMemberAndEachMemberRunsInItsOwnNamespace() throws Exception {
        State state = state();
        assertEquals(3, state.etcdMembers.size());
        for (int k = 1; k <= 3; k++) {
            State.ServiceProcess m = state.etcdMembers.get(k - 1);
            assertEquals(prefix + "etcd" + k, Shell.run("ip", "netns", "identify", Long.toString(m.pid)).out().strip());
        }
        String endpoints = "http://10.99.1.201:2379,http://10.99.1.202:2379,http://10.99.1.203:2379";
        assertEquals(endpoints, layout().etcdEndpointFromNodes());
        for (State.ServiceProcess p : state.processes) {
            String env = Files.readString(Path.of("/proc", Long.toString(p.pid), "environ")).replace('\0', '\n');
            assertTrue(env.contains("TABBY_ETCD_ENDPOINTS=" + endpoints), p.service + " on " + p.node + " is given every member");
        }
        JsonNode members = status().path("etcdMembers");
        assertEquals(3, members.size(), members.toString());
        int leaders = 0;
        for (JsonNode m : members) {
            assertTrue(m.path("answers").asBoolean(), m.toString());
            leaders += m.path("leader").asBoolean() ? 1 : 0;
        }
        assertEquals(1, leaders, "exactly one leader: " + members);
    }

    @Test
    @Order(2)
    void killingTheLeaderLosesNoPingAndLaterChangesReachTheNodes() throws Exception {
        State.WorkloadInfo w1 = workloadOn("node1");
        State.WorkloadInfo w2 = workloadOn("node2");
        Process ping = new ProcessBuilder("ip", "netns", "exec", w1.namespace, "ping", "-i", "0.2", "-w", "300", w2.ip)
                .redirectErrorStream(true).start();
        int leader = leader();
        new EtcdMembers(layout(), state()).kill(leader);
        Waiting.await(CONVERGE, () -> leaderOrZero() != 0 && leaderOrZero() != leader, "a new leader after killing etcd" + leader);
        Thread.sleep(3000); // the ping runs on across the election and a while after it
        // The dataplane forwards without etcd: not one echo may go missing across the kill and the election.
        assertNoneLost(ping, "ping from " + w1.name + " to " + w2.name + " across the leader's kill");

        // A policy written after the kill, with tabbyctl from this host through the forwarded members, reaches both
        // nodes' policy-renderer: w2 stops answering w1's pings, and answers again once it is deleted.
        ctl("apply", "-f", "-", """
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: deny-icmp-after-failover}
                spec:
                  order: 1
                  selector: projectcalico.org/namespace == 'default'
                  types: [Ingress]
                  ingress:
                  - action: Deny
                    protocol: ICMP
                """);
        Waiting.await(CONVERGE, () -> !ping(w1, w2.ip), "the policy written after the failover blocks the ping");
        ctl("delete", "globalnetworkpolicy", "deny-icmp-after-failover", "");
        Waiting.await(CONVERGE, () -> ping(w1, w2.ip), "the ping passes again once the policy is deleted");
        assertEquals(2, state().etcdMembers.stream().filter(p -> ProcessHandle.of(p.pid).map(ProcessHandle::isAlive)
                .orElse(false)).count(), "two members run");
    }

    @Test
    @Order(3)
    void losingQuorumTakesReadinessDownAndTheMembersReturnBringsItBack() throws Exception {
        EtcdMembers members = new EtcdMembers(layout(), state());
        int second = 0;
        for (int k = 1; k <= 3; k++) {
            if (members.running(k)) {
                second = k;
            }
        }
        assertNotEquals(0, second);
        members.kill(second);
        Waiting.await(NOT_READY_WITHIN, () -> readiness().values().stream().noneMatch("ready"::equals),
                "every service with a datastore not ready once quorum is lost: " + readiness());
        assertTrue(ping(workloadOn("node1"), workloadOn("node2").ip), "the kernel keeps forwarding without quorum");

        // Both dead members back, as an operator brings them back.
        for (int k = 1; k <= 3; k++) {
            if (!new EtcdMembers(layout(), state()).running(k)) {
                Run restart = testbed("restart", "--node", "etcd" + k, "--service", "etcd");
                assertEquals(0, restart.exit(), restart.out());
                assertTrue(restart.out().contains("etcd member etcd" + k + " was down; started again"), restart.out());
            }
        }
        state().etcdMembers.forEach(p -> etcdPids.add(p.pid));
        new EtcdMembers(layout(), state()).awaitHealthy(CONVERGE);
        Waiting.await(CONVERGE, () -> readiness().values().stream().allMatch("ready"::equals),
                "every service ready again once the members are back: " + readiness());
        JsonNode status = status();
        assertEquals(1, countLeaders(status.path("etcdMembers")), status.toString());
    }

    @Test
    @Order(4)
    void anEvenNumberOrMoreThanSevenMembersIsRefusedInOneLineAndTheRunningTestbedStays() throws Exception {
        for (String n : List.of("2", "9")) {
            Run up = testbed("up", "--etcd-members", n, "--nodes", "2", "--prefix", prefix);
            assertEquals(1, up.exit(), up.out());
            assertEquals("tabby: error: --etcd-members " + n + " is not allowed; use an odd number from 1 to 7 (an even"
                    + " number tolerates no more failures than one member fewer)", up.out().strip());
        }
        assertEquals(8, ourNamespaces().size(), "the testbed that is up was left alone: " + ourNamespaces());
    }

    /** Readiness of each node service that reads the datastore (the probe does not). */
    private Map<String, String> readiness() {
        Layout layout = layout();
        Map<String, String> out = new java.util.TreeMap<>();
        for (State.ServiceProcess p : state().processes) {
            if (p.port != 0 && !p.service.equals(Services.PROBE)) {
                out.put(p.node + "/" + p.service, Services.readiness(layout, p, Map.of()));
            }
        }
        return out;
    }

    private static int countLeaders(JsonNode members) {
        int n = 0;
        for (JsonNode m : members) {
            n += m.path("leader").asBoolean() ? 1 : 0;
        }
        return n;
    }

    private int leader() {
        int k = leaderOrZero();
        assertNotEquals(0, k, "the cluster has a leader");
        return k;
    }

    private int leaderOrZero() {
        for (EtcdMembers.MemberStatus m : EtcdMembers.statuses(layout(), state())) {
            if (m.leader()) {
                return Integer.parseInt(m.name().substring("etcd".length()));
            }
        }
        return 0;
    }

    private static void assertNoneLost(Process ping, String what) throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(ping.pid())).start().waitFor();
        if (!ping.waitFor(30, TimeUnit.SECONDS)) {
            ping.destroyForcibly();
            throw new AssertionError(what + " did not stop on SIGINT");
        }
        String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), what + " printed no summary:\n" + out);
        long sent = Long.parseLong(m.group(1));
        assertTrue(sent >= 10, what + " ran long enough: " + m.group());
        assertEquals(sent, Long.parseLong(m.group(2)), what + ": every echo answered:\n" + out);
    }

    private JsonNode status() throws Exception {
        Run status = testbed("status", "-o", "json");
        return JSON.readTree(status.out().substring(status.out().indexOf('{')));
    }

    private void ctl(String... argsAndStdin) {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.tabby.ctl.Main", "--etcd-endpoints", EtcdMembers.hostEndpoints(state())));
        cmd.addAll(List.of(argsAndStdin).subList(0, argsAndStdin.length - 1));
        Shell.Result r = Shell.run(cmd, argsAndStdin[argsAndStdin.length - 1], 60);
        assertEquals(0, r.exitCode(), "tabbyctl " + cmd + ": " + r.out() + r.err());
    }

    private static boolean ping(State.WorkloadInfo from, String to) {
        return Shell.run("ip", "netns", "exec", from.namespace, "ping", "-c", "1", "-W", "1", to).ok();
    }

    private State.WorkloadInfo workloadOn(String node) {
        return state().workloads.stream().filter(w -> w.node.equals(node)).findFirst().orElseThrow();
    }

    record Run(int exit, String out) {
    }

    private Run testbed(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), TestbedMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TABBY_ROOT", ROOT.toString());
        // Nothing listens here: were this host's etcd used anywhere, the testbed would fail.
        pb.environment().put("TABBY_ETCD_ENDPOINTS", "http://127.0.0.1:9");
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

    private State state() {
        return State.load(varDir);
    }

    private Layout layout() {
        return Layout.of(state(), varDir);
    }
}
