package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.kafka.KafkaBroker;
import dev.tabby.events.kafka.KafkaEventReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * The event bus of a whole testbed ({@code bin/tabby up --kafka}): two nodes whose services (processes in the nodes'
 * namespaces, on their default code path, told only TABBY_KAFKA_BOOTSTRAP) send their events to a real single-node
 * KRaft broker. A consumer that starts after them reads every service's events from topic {@code tabby.events}, in
 * order per node; the broker killed mid-stream costs events (counted) but no traffic, and the events resume when it
 * returns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventBusTestbedTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    Path tmp;
    LocalEtcd etcd;
    String prefix;
    Path varDir;

    @BeforeAll
    void up() throws Exception {
        tmp = Files.createTempDirectory("tabby-events-test");
        etcd = LocalEtcd.start(tmp.resolve("etcd"));
        prefix = "tabby-t-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
        varDir = tmp.resolve("testbed");
        Run up = testbed("up", "--nodes", "2", "--workloads", "1", "--kafka", "--prefix", prefix);
        assertEquals(0, up.exit(), up.out());
        assertTrue(up.out().contains("TABBY_KAFKA_BOOTSTRAP=127.0.0.1:"), up.out());
    }

    @AfterAll
    void down() throws Exception {
        listeners.forEach(Process::destroyForcibly);
        try {
            if (Files.exists(State.file(varDir))) {
                long broker = state().kafka.pid;
                Run down = testbed("down");
                assertEquals(0, down.exit(), down.out());
                assertTrue(down.out().contains("nothing left"), down.out());
                assertTrue(ProcessHandle.of(broker).map(h -> !h.isAlive()).orElse(true), "the broker ended with the testbed");
            }
        } finally {
            etcd.close();
            TestbedMain.deleteTree(tmp);
        }
    }

    @Test
    @Order(1)
    void aLateConsumerReadsEveryServicesEventsInOrderPerNode() {
        Set<String> wanted = new TreeSet<>();
        for (String node : List.of("node1", "node2")) {
            for (String s : List.of("vxlan-manager", "policy-renderer", "requirements-probe")) {
                wanted.add(node + " dev.tabby." + s + ".service.ready");
            }
            wanted.add(node + " dev.tabby.cni.workload.added");
            wanted.add(node + " dev.tabby.policy-renderer.endpoint.programmed");
        }
        // the vxlan-manager of each node programs the route to the other node's workload block
        wanted.add("node1 dev.tabby.vxlan-manager.route.added");
        wanted.add("node2 dev.tabby.vxlan-manager.route.added");
        Set<String> seen = new TreeSet<>();
        await("every service's events in tabby.events: " + wanted, () -> {
            List<CloudEvent> events = readTopic(null);
            assertInOrderPerSource(events);
            events.forEach(e -> seen.add(e.node() + " " + e.type()));
            return seen.containsAll(wanted);
        });
    }

    @Test
    @Order(2)
    void killedMidStreamKafkaCostsEventsButNoTrafficAndTheyResume() throws Exception {
        State before = state();
        assertTrue(KafkaBroker.killPid(before.kafka.pid), "the broker was running");
        // the dataplane carries on: a new workload is attached, routed and reachable while the bus is down
        Run add = testbed("workload", "add", "late-1", "--node", "node2");
        assertEquals(0, add.exit(), add.out());
        String from = wl("wl-node1-1").namespace;
        await("node1's workload reaches the new one on node2 with Kafka down",
                () -> Shell.run("ip", "netns", "exec", from, "ping", "-c", "1", "-W", "1", wl("late-1").ip).ok());
        Layout layout = Layout.of(state(), varDir);
        // the CNI daemon and the renderers could not deliver: after the producers' delivery timeout they count drops
        await("dropped events counted on node2's policy-renderer", () -> kafkaDrops(layout, "node2") > 0);
        Run restart = testbed("restart", "--node", "kafka", "--service", "kafka");
        assertEquals(0, restart.exit(), restart.out());
        assertTrue(restart.out().contains("was down; started again"), restart.out());
        Instant back = Instant.now();
        Run again = testbed("workload", "add", "late-2", "--node", "node1");
        assertEquals(0, again.exit(), again.out());
        await("events after the broker returned", () -> readTopic(back).stream()
                .anyMatch(e -> e.type().equals("dev.tabby.cni.workload.added") && "node1".equals(e.node())));
    }

    @Test
    @Order(3)
    void flowLogsShowTheDeniedAndTheAllowedConnectionWithPolicyRuleAndCounts() throws Exception {
        assertEquals(0, testbed("workload", "add", "fl-client", "--node", "node1", "--labels", "role=fl-client").exit());
        assertEquals(0, testbed("workload", "add", "fl-server", "--node", "node2", "--labels", "role=fl-server").exit());
        Path policy = tmp.resolve("fl-server.yaml");
        Files.writeString(policy, """
                apiVersion: projectcalico.org/v3
                kind: NetworkPolicy
                metadata: {name: fl-server, namespace: default}
                spec:
                  selector: role == 'fl-server'
                  types: [Ingress]
                  ingress:
                  - action: Deny
                    protocol: TCP
                    destination: {ports: [8081]}
                  - action: Allow
                    protocol: TCP
                    source: {selector: role == 'fl-client'}
                    destination: {ports: [8080]}
                """);
        Shell.Result applied = ctl("apply", "-f", policy.toString());
        assertTrue(applied.ok(), applied.out() + applied.err());
        listen("fl-server", 8080);
        listen("fl-server", 8081);
        await("the policy allows 8080", () -> reaches("fl-client", wl("fl-server").ip, 8080));

        // Off (the default): a connection is not captured and no NFLOG rule exists on any node.
        assertTrue(!reaches("fl-client", wl("fl-server").ip, 8081), "8081 is denied");
        for (String node : List.of("node1", "node2")) {
            String rules = iptablesSave(node);
            assertTrue(rules.contains(":cali-"), node + "'s rules are read: " + rules);
            assertTrue(!rules.contains("NFLOG"), node + " has an NFLOG rule with flow logs off");
        }

        // On for the cluster: the annotation on the default FelixConfiguration, flushed every 2 s.
        Shell.Result on = ctl("patch", "felixconfiguration", "default", "-p", "{\"metadata\":{\"annotations\":"
                + "{\"tabby.dev/flow-logs\":\"on\",\"tabby.dev/flow-logs-flush-interval\":\"2s\"}}}");
        assertTrue(on.ok(), on.out() + on.err());
        await("NFLOG rules on node2", () -> iptablesSave("node2").contains("NFLOG"));
        // A closed connection's conntrack entry (its packet and byte counts) ends after TIME_WAIT: 120 s unless shortened.
        for (String node : List.of("node1", "node2")) {
            Shell.run("ip", "netns", "exec", Layout.of(state(), varDir).nodeNamespace(node), "sysctl", "-q", "-w",
                    "net.netfilter.nf_conntrack_tcp_timeout_time_wait=1");
        }
        Instant start = Instant.now();
        String client = wl("fl-client").ip;
        String server = wl("fl-server").ip;
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos(); // conntrack reports ends when its cleanup runs
        boolean denied = false;
        boolean allowed = false;
        String serverEndpoint = null;
        while (!(denied && allowed)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tabbyctl flows did not show both connections; it showed:\n" + String.join("\n", seen));
            }
            // connections go on until both show: the readers open right after the apply that put the NFLOG rules in
            if (!denied) {
                assertTrue(!reaches("fl-client", server, 8081), "8081 is still denied");
            }
            if (!allowed) {
                assertTrue(reaches("fl-client", server, 8080), "8080 is still allowed");
            }
            TestbedMain.sleep(3000);
            Shell.Result r = ctl("flows", "-o", "json", "--since", "10m", "--kafka-bootstrap", TestbedKafka.bootstrap(state()));
            seen = r.out().lines().filter(l -> l.startsWith("{")).toList();
            List<dev.tabby.events.flows.FlowRecord> records = seen.stream().map(FlowRecordJson::read)
                    .filter(f -> f.srcIp().equals(client) && f.dstIp().equals(server) && f.direction().equals("ingress")
                            && !f.end().isBefore(start)).toList();
            denied = records.stream().anyMatch(f -> f.dstPort() == 8081 && f.action().equals("deny")
                    && f.policy().equals("default/default.fl-server") && f.rule() == 0 && f.connections() >= 1
                    && f.packets() >= 1 && f.node().equals("node2") && f.dstEndpoint().startsWith("default/"));
            serverEndpoint = records.isEmpty() ? null : records.get(0).dstEndpoint();
            long allowedConnections = records.stream().filter(f -> f.dstPort() == 8080 && f.action().equals("allow")
                    && f.policy().equals("default/default.fl-server") && f.rule() == 1).mapToLong(f -> f.connections()).sum();
            long allowedPackets = records.stream().filter(f -> f.dstPort() == 8080 && f.action().equals("allow"))
                    .mapToLong(f -> f.packets()).sum();
            // a connection's packets and bytes come from conntrack when it ends: a handshake, data both ways, the close
            allowed = allowedConnections >= 1 && allowedPackets >= 4;
        }
        // the table a person reads, narrowed to the server's workload endpoint (<namespace>/<name>) and denials
        Shell.Result table = ctl("flows", "--denied", "--workload", serverEndpoint, "--kafka-bootstrap", TestbedKafka.bootstrap(state()));
        assertTrue(table.ok(), table.err());
        assertTrue(table.out().contains("deny") && table.out().contains("default/default.fl-server")
                && table.out().contains("8081/tcp") && !table.out().contains("8080/tcp"), table.out());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A FlowRecord from one line of {@code tabbyctl flows -o json}. */
    private static final class FlowRecordJson {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        @SuppressWarnings("unchecked")
        static dev.tabby.events.flows.FlowRecord read(String line) {
            try {
                return dev.tabby.events.flows.FlowRecord.fromData(JSON.readValue(line, Map.class));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
    }

    /** Both backends' rules: the renderer uses the one it detects in the namespace, as Felix does. */
    private String iptablesSave(String node) {
        String netns = Layout.of(state(), varDir).nodeNamespace(node);
        return Shell.run("ip", "netns", "exec", netns, "iptables-legacy-save").out()
                + Shell.run("ip", "netns", "exec", netns, "iptables-nft-save").out();
    }

    private final List<Process> listeners = new ArrayList<>();

    private void listen(String workload, int port) throws IOException {
        String netns = wl(workload).namespace;
        listeners.add(new ProcessBuilder("ip", "netns", "exec", netns, "socat", "TCP-LISTEN:" + port + ",fork,reuseaddr",
                "SYSTEM:echo ok").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        await("socat listens on " + port + " in " + netns, () -> Shell.run("ip", "netns", "exec", netns, "ss", "-H", "-tln",
                "sport = :" + port).out().contains(":" + port));
    }

    private boolean reaches(String from, String ip, int port) {
        Shell.Result r = Shell.run(List.of("ip", "netns", "exec", wl(from).namespace, "socat", "-T1", "-",
                "TCP:" + ip + ":" + port + ",connect-timeout=1"), "hello\n", 5);
        return r.out().contains("ok");
    }

    private Shell.Result ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.tabby.ctl.Main", "--etcd-endpoints", etcd.endpoint().toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, null, 60);
    }

    /** Per source, the sequence only rises along the topic: the order of each node's events held. */
    private static void assertInOrderPerSource(List<CloudEvent> events) {
        Map<String, Long> last = new HashMap<>();
        for (CloudEvent e : events) {
            long seq = e.sequenceNumber();
            Long before = last.put(e.source(), seq);
            // a restarted service starts a new sequence at 1: order is checked within one run of a source
            if (before != null && seq != 1) {
                assertTrue(seq > before, e.source() + ": sequence " + seq + " after " + before);
            }
        }
    }

    private List<CloudEvent> readTopic(Instant since) {
        List<CloudEvent> out = new ArrayList<>();
        try (KafkaEventReader reader = new KafkaEventReader(TestbedKafka.bootstrap(state()))) {
            reader.read("tabby.events", since, false, e -> false, out::add);
            assertEquals(0, reader.skipped(), "every record on tabby.events is a CloudEvents 1.0 event");
        } catch (IllegalStateException e) {
            return List.of(); // the broker is still starting
        }
        return out;
    }

    private static final Pattern KAFKA_DROPS = Pattern.compile("tabby_events_dropped_total\\{[^}]*where=\"kafka\"[^}]*} ([0-9.E]+)");

    private long kafkaDrops(Layout layout, String node) {
        String metrics = Services.get(layout, node, Layout.POLICY_PORT, "/q/metrics");
        if (metrics == null) {
            return 0;
        }
        Matcher m = KAFKA_DROPS.matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private State state() {
        return State.load(varDir);
    }

    private State.WorkloadInfo wl(String name) {
        return state().workloads.stream().filter(w -> w.name.equals(name)).findFirst().orElseThrow();
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

    private static void await(String what, BooleanSupplier condition) {
        awaitFor(CONVERGE, what, condition);
    }

    private static void awaitFor(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            TestbedMain.sleep(1000);
        }
    }
}
