package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.local.LocalEtcd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole testbed, as {@code bin/tabby up / status / down} drive it: two nodes with a workload each, their real
 * services (vxlan-manager, requirements-probe, CNI daemon), workloads attached through tabby-cni, pings across the
 * VXLAN overlay; then down, and nothing left. Its own etcd, namespace prefix, ports and var dir keep it apart from an
 * operator's testbed.
 */
class TestbedTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    LocalEtcd etcd;
    String prefix;
    Path varDir;

    @BeforeEach
    void setUp() {
        etcd = LocalEtcd.start(tmp.resolve("etcd"));
        prefix = "tabby-t-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
        varDir = tmp.resolve("testbed");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (Files.exists(State.file(varDir))) {
                testbed("down");
            }
        } finally {
            etcd.close();
        }
    }

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

    private List<String> ourNamespaces() {
        return Shell.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(prefix)).toList();
    }

    /**
     * kill -9 of node1's vxlan-manager, and a new one started: node2 and node3 keep talking throughout, and node1
     * ends with exactly one route, neighbour and FDB entry per remote node: nothing duplicated, nothing leaked.
     */
    private void killedManagerConvergesWhileOthersKeepTalking() throws Exception {
        State state = State.load(varDir);
        State.WorkloadInfo w2 = state.workloads.stream().filter(w -> w.node.equals("node2")).findFirst().orElseThrow();
        State.WorkloadInfo w3 = state.workloads.stream().filter(w -> w.node.equals("node3")).findFirst().orElseThrow();
        Process pinger = new ProcessBuilder("ip", "netns", "exec", w2.namespace, "ping", "-c", "40", "-i", "0.25", "-W", "1", w3.ip)
                .redirectErrorStream(true).start();
        Run restart = testbed("restart", "--node", "node1", "--service", "vxlan-manager", "--kill");
        assertEquals(0, restart.exit(), restart.out());
        String pingOut = new String(pinger.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        pinger.waitFor(30, TimeUnit.SECONDS);
        assertTrue(pingOut.contains("40 received"), "node2 -> node3 traffic stopped while node1's manager restarted:\n" + pingOut);

        String node1 = prefix + "node1";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Run status;
        do {
            Thread.sleep(1000);
            status = testbed("status", "-o", "json");
        } while (status.exit() != 0 && System.nanoTime() < deadline);
        assertEquals(0, status.exit(), "after the restart: " + status.out());
        assertEquals(2, Shell.run("ip", "-n", node1, "route", "show", "proto", "81").out().lines().count(), "one route per remote node");
        assertEquals(2, Shell.run("ip", "-n", node1, "neigh", "show", "dev", "vxlan.calico", "nud", "permanent").out().lines().count());
        assertEquals(2, Shell.run("bridge", "-n", node1, "fdb", "show", "dev", "vxlan.calico").out().lines()
                .filter(l -> l.contains(" dst ") && !l.startsWith("00:00:00:00:00:00")).count());
    }

    @Test
    void upStatusDown() throws Exception {
        int portBase = 20000 + ThreadLocalRandom.current().nextInt(100) * 100;
        Run up = testbed("up", "--nodes", "3", "--workloads", "1", "--prefix", prefix, "--port-base", Integer.toString(portBase));
        assertEquals(0, up.exit(), up.out());
        assertTrue(up.out().contains("every workload reaches every other"), up.out());
        assertEquals(7, ourNamespaces().size(), "underlay, 3 nodes, 3 workloads: " + ourNamespaces());

        killedManagerConvergesWhileOthersKeepTalking();

        Run status = testbed("status", "-o", "json");
        assertEquals(0, status.exit(), status.out());
        JsonNode json = new ObjectMapper().readTree(status.out());
        assertTrue(json.path("allPingsOk").asBoolean(), status.out());
        assertEquals(3, json.path("workloads").size());
        for (JsonNode n : json.path("nodes")) {
            assertEquals(2, n.path("vteps").asInt(), "each node sees the others' VTEPs: " + status.out());
        }

        State state = State.load(varDir);
        Run down = testbed("down");
        assertEquals(0, down.exit(), down.out());
        assertTrue(down.out().contains("nothing left"), down.out());
        assertEquals(List.of(), ourNamespaces());
        for (State.ServiceProcess p : state.processes) {
            assertTrue(ProcessHandle.of(p.pid).map(h -> !h.isAlive()).orElse(true), p.service + " still runs");
        }
        assertTrue(!Files.exists(varDir), "var dir removed");
    }
}
