package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.events.flows.FlowRecord;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import dev.tabby.netlink.nflog.NflogPacket;
import dev.tabby.netlink.nflog.NflogSettings;
import dev.tabby.netlink.nflog.NflogSocket;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import dev.tabby.renderer.agent.AgentSettings;
import dev.tabby.renderer.agent.PolicyAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flow logs end to end on real parts: etcd, the renderer's iptables and ipsets in a node namespace, two workload
 * namespaces wired to it by veths as the CNI plugin wires them, real TCP connections between them, NFLOG and conntrack
 * read through netlink. {@code iptables-save} and the records in the flows hub are the oracles.
 */
class FlowLogsKernelTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static KeyValueStore kv;
    private static ResourceStore resources;
    private PolicyAgent agent;
    private final List<Process> servers = new ArrayList<>();

    @BeforeAll
    static void connect() {
        assumeTrue("root".equals(System.getProperty("user.name")), "namespaces need root");
        kv = KeyValueStore.connect(ETCD.config());
        resources = new ResourceStore(kv);
    }

    @AfterAll
    static void disconnect() {
        if (kv != null) {
            kv.close();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor();
        }
        if (agent != null) {
            agent.close();
        }
    }

    private static void apply(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            resources.apply(r);
        }
    }

    private static String save(TestNamespace node) {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("raw", "mangle", "filter", "nat")) {
            all.append(Cmd.run("ip", "netns", "exec", node.name(), "iptables-legacy-save", "-t", table));
        }
        return all.toString();
    }

    private static void await(String what, BooleanSupplier condition) {
        // 90 s, not 30: an ended connection's DESTROY comes when conntrack's garbage collector reaps the expired entry,
        // which on a nearly empty table scans only every minute or so (seen: 35 to 55 s after a 1 s TIME_WAIT here).
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A workload as the CNI plugin leaves it: a veth into its namespace, its /32, the node's route to it. */
    private static void workload(TestNamespace node, TestNamespace wl, String iface, String ip) {
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "link", "add", iface, "type", "veth", "peer", "name", "eth0",
                "netns", wl.name());
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "link", "set", iface, "up");
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "route", "add", ip + "/32", "dev", iface);
        Cmd.run("ip", "netns", "exec", wl.name(), "ip", "link", "set", "lo", "up");
        Cmd.run("ip", "netns", "exec", wl.name(), "ip", "addr", "add", ip + "/32", "dev", "eth0");
        Cmd.run("ip", "netns", "exec", wl.name(), "ip", "link", "set", "eth0", "up");
        Cmd.run("ip", "netns", "exec", wl.name(), "ip", "route", "add", "169.254.1.1", "dev", "eth0");
        Cmd.run("ip", "netns", "exec", wl.name(), "ip", "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
    }

    private static String wep(String node, String name, String iface, String ip, String app) {
        return """
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: %1$s-cni-%2$s-eth0
                  namespace: default
                  labels: {app: %5$s}
                spec:
                  node: %1$s
                  orchestrator: cni
                  workload: %2$s
                  containerID: %2$s
                  endpoint: eth0
                  interfaceName: %3$s
                  ipNetworks: [%4$s/32]
                """.formatted(node, name, iface, ip, app);
    }

    private static String felixDefault(String annotations) {
        return """
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: default
                  annotations: %s
                spec: {}
                """.formatted(annotations);
    }

    /** A server that reads what a client sends and answers "ok", in the workload's namespace. */
    private void server(TestNamespace wl, int port) {
        String code = """
                import socket
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", %d)); s.listen(16); print("listening", flush=True)
                while True:
                    c, _ = s.accept(); n = 0
                    while n < 1000:
                        d = c.recv(4096)
                        if not d: break
                        n += len(d)
                    c.sendall(b"ok"); c.close()
                """.formatted(port);
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", wl.name(), "/usr/bin/python3", "-c", code)
                    .redirectErrorStream(true).start();
            servers.add(p);
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertEquals("listening", first);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One TCP connection from the workload: 1000 bytes sent, the answer read; "ok", or why it failed. */
    private static String connect(TestNamespace wl, String ip, int port) {
        String code = """
                import socket
                try:
                    c = socket.create_connection(("%s", %d), timeout=2); c.sendall(b"x" * 1000)
                    print(c.recv(10).decode()); c.close()
                except OSError as e:
                    print("failed:", e)
                """.formatted(ip, port);
        return Cmd.run("ip", "netns", "exec", wl.name(), "/usr/bin/python3", "-c", code).strip();
    }

    private static List<FlowRecord> records(List<CloudEvent> seen) {
        return seen.stream().filter(e -> e.type().equals(FlowRecord.EVENT_TYPE)).map(e -> FlowRecord.fromData(e.data()))
                .toList();
    }

    @Test
    void deniedAndAllowedConnectionsBecomeRecordsAndOffLeavesNoNflogRuleAndCapturesNothing() {
        TestNamespace node = netns.create();
        TestNamespace client = netns.create();
        TestNamespace db = netns.create();
        // proxy_arp answers for 169.254.1.1 only with a route to it elsewhere: a host's default route.
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "link", "add", "uplink0", "type", "veth", "peer", "name", "uplink1");
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "link", "set", "uplink1", "up");
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "link", "set", "uplink0", "up");
        Cmd.run("ip", "netns", "exec", node.name(), "ip", "route", "add", "default", "dev", "uplink0");
        workload(node, client, "califlclient", "10.65.9.2");
        workload(node, db, "califldb", "10.65.9.3");
        // A closed connection's conntrack entry ends after TIME_WAIT (120 s by default); shortened in the node.
        Cmd.run("ip", "netns", "exec", node.name(), "sysctl", "-q", "-w",
                "net.netfilter.nf_conntrack_tcp_timeout_time_wait=1");
        apply(wep("fl1", "client", "califlclient", "10.65.9.2", "client"));
        apply(wep("fl1", "db", "califldb", "10.65.9.3", "db"));
        apply("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: fl-db-in}
                spec:
                  selector: app == 'db'
                  types: [Ingress]
                  ingress:
                  - action: Allow
                    protocol: TCP
                    source: {selector: app == 'client'}
                    destination: {ports: [8080]}
                  - action: Deny
                    protocol: TCP
                    destination: {ports: [9090]}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: fl-client-out}
                spec:
                  selector: app == 'client'
                  types: [Egress]
                  egress:
                  - action: Allow
                """);
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("fl1", node.name())).start();
        PolicyAgent a = agent;
        List<CloudEvent> seen = new CopyOnWriteArrayList<>();
        EventHub.Subscription sub = a.flows().hub().subscribe(seen::add);

        // Off by default: Felix's chains only, nothing captured.
        await("the workloads' chains", () -> save(node).contains("-A cali-tw-califldb"));
        server(db, 8080);
        await("the allowed connection works", () -> connect(client, "10.65.9.3", 8080).equals("ok"));
        assertFalse(save(node).contains("NFLOG"), "flow logs off: no NFLOG rule anywhere");
        assertFalse(a.flows().on());
        assertEquals(0, a.flows().verdictsRead());

        // On, with a 1 s interval: the NFLOG rules come through the normal apply, and the readers start.
        apply(felixDefault("{\"tabby.dev/flow-logs\": \"on\", \"tabby.dev/flow-logs-flush-interval\": \"1s\"}"));
        await("NFLOG rules rendered", () -> save(node).contains("NFLOG"));
        await("capture started", a.flows()::on);
        String filter = save(node);
        assertTrue(filter.contains("--nflog-prefix \"tabby:D:1:" + dev.tabby.policy.render.VerdictPrefix.idOf(
                "default.fl-db-in") + "\" --nflog-group 1 --nflog-size 120"), filter);

        assertTrue(connect(client, "10.65.9.3", 9090).startsWith("failed"), "port 9090 is denied");
        assertEquals("ok", connect(client, "10.65.9.3", 8080));

        await("the denied connection's record", () -> records(seen).stream().anyMatch(FlowRecord::denied));
        FlowRecord denied = records(seen).stream().filter(FlowRecord::denied).findFirst().orElseThrow();
        assertEquals("ingress", denied.direction());
        assertEquals("default.fl-db-in", denied.policy());
        assertEquals(1, denied.rule());
        assertEquals(9090, denied.dstPort());
        assertEquals("tcp", denied.protocol());
        assertEquals("10.65.9.2", denied.srcIp());
        assertEquals("default/fl1-cni-client-eth0", denied.srcEndpoint());
        assertEquals("default/fl1-cni-db-eth0", denied.dstEndpoint());
        assertEquals(1, denied.connections(), "SYN retransmissions are the same connection");
        assertTrue(denied.packets() >= 1, denied.toString());
        assertEquals(1.0, denied.sampling());

        // Allowed: counted at its first packet, its packets and bytes from conntrack when it ends.
        await("the allowed connection's counts", () -> allowedIngress(seen, 8080).packets() > 0);
        FlowRecord in = allowedIngress(seen, 8080);
        assertEquals("default.fl-db-in", in.policy());
        assertEquals(0, in.rule());
        assertEquals(1, records(seen).stream().filter(r -> r.action().equals("allow") && r.direction().equals("ingress")
                && r.dstPort() == 8080).mapToLong(FlowRecord::connections).sum());
        assertTrue(in.bytes() > 1000, "the 1000 bytes sent and the headers, both ways: " + in);
        // The same connection's egress verdict (the client's policy) carries the same conntrack counts.
        List<FlowRecord> out = records(seen).stream().filter(r -> r.direction().equals("egress") && r.dstPort() == 8080)
                .toList();
        assertEquals("default.fl-client-out", out.get(0).policy());
        assertEquals(in.packets(), out.stream().mapToLong(FlowRecord::packets).sum());
        assertEquals(in.bytes(), out.stream().mapToLong(FlowRecord::bytes).sum());

        // A bad value is refused with the annotation's name; the last good settings stay.
        apply(felixDefault("{\"tabby.dev/flow-logs\": \"on\", \"tabby.dev/flow-logs-flush-interval\": \"1s\","
                + " \"tabby.dev/flow-logs-rate-limit\": \"many\"}"));
        await("the problem is on the status", () -> a.counts().felixConfigurationProblems().stream()
                .anyMatch(p -> p.contains("tabby.dev/flow-logs-rate-limit")));
        assertTrue(a.flows().on());

        // Off: the rules go, the groups are let go (this test can bind them), and a denied connection logs nothing.
        apply(felixDefault("{\"tabby.dev/flow-logs\": \"off\"}"));
        await("NFLOG rules gone", () -> !save(node).contains("NFLOG"));
        await("capture stopped", () -> !a.flows().on());
        long read = a.flows().verdictsRead();
        List<NflogPacket> logged = new CopyOnWriteArrayList<>();
        try (NflogSocket s = NflogSocket.at(node.path(), List.of(1, 2), NflogSettings.DEFAULT)) {
            Thread t = new Thread(() -> s.receive(logged::add));
            t.start();
            assertTrue(connect(client, "10.65.9.3", 9090).startsWith("failed"), "still denied");
            assertEquals("ok", connect(client, "10.65.9.3", 8080));
            s.close();
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(List.of(), logged, "no NFLOG rule: the kernel logged nothing");
        assertEquals(read, a.flows().verdictsRead());
        sub.close();
    }

    private static FlowRecord allowedIngress(List<CloudEvent> seen, int port) {
        return records(seen).stream().filter(r -> r.action().equals("allow") && r.direction().equals("ingress")
                && r.dstPort() == port && r.packets() > 0).findFirst()
                .orElse(new FlowRecord(java.time.Instant.EPOCH, java.time.Instant.EPOCH, "-", "-", "-", "-", "-", 0,
                        "tcp", "allow", "ingress", "-", 0, 0, 0, 0, 1.0));
    }
}
