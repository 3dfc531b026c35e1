package dev.tabby.renderer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventSink;
import java.util.List;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.status.FelixStatusKeys;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import dev.tabby.renderer.agent.AgentSettings;
import dev.tabby.renderer.agent.PolicyAgent;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole renderer (syncer, calculation, drivers, status) against a real etcd and the real iptables and ipset of a
 * namespace the test made: {@code iptables-save} and {@code ipset list} there are the oracle.
 */
class PolicyAgentKernelTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static KeyValueStore kv;
    private static ResourceStore resources;
    private PolicyAgent agent;

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
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private static void apply(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            resources.apply(r);
        }
    }

    private static String wep(String node, String name, String iface, String ip, String labels) {
        return """
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: %1$s-cni-%2$s-eth0
                  namespace: default
                  labels: {%5$s}
                spec:
                  node: %1$s
                  orchestrator: cni
                  workload: %2$s
                  containerID: %2$s
                  endpoint: eth0
                  interfaceName: %3$s
                  ipNetworks: [%4$s/32]
                """.formatted(node, name, iface, ip, labels);
    }

    private String save(TestNamespace ns, String table) {
        return Cmd.run("ip", "netns", "exec", ns.name(), "iptables-legacy-save", "-t", table);
    }

    private String ipsetList(TestNamespace ns) {
        return Cmd.run("ip", "netns", "exec", ns.name(), "ipset", "list");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The agent's events, as the service's EventHub would keep them. */
    private final EventHub events = new EventHub(1024);

    private EventSink eventsOf(String node) {
        EventFactory factory = new EventFactory(node, "policy-renderer");
        return (what, subject, data) -> events.publish(factory.make(what, subject, data));
    }

    private List<CloudEvent> events(String what) {
        try (EventHub.Subscription s = events.subscribe(e -> true)) {
            return s.replay().stream().filter(e -> e.type().equals("dev.tabby.policy-renderer." + what)).toList();
        }
    }

    private String status(String key) {
        return kv.get(key).map(e -> e.valueAsString()).orElse(null);
    }

    @Test
    void policyChainsAndSelectorSetsFollowPoliciesAndLabelsAndEndpointsReportUp() {
        TestNamespace ns = netns.create();
        // The endpoint's interface, as the CNI plugin would have made it: its status is up only while it is.
        workloadInterface(ns, "calidb0001", "peer0001");
        apply(wep("pan1", "db", "calidb0001", "10.65.0.2", "app: db"));
        apply(wep("pan2", "web", "caliweb0001", "10.65.1.5", "role: frontend"));
        apply("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: pa-allow-frontend}
                spec:
                  selector: app == 'db'
                  ingress:
                  - action: Allow
                    protocol: TCP
                    source: {selector: role == 'frontend'}
                    destination: {ports: [5432]}
                """);
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan1", ns.name())).reportTo(eventsOf("pan1")).start();

        await("the endpoint's chain jumps to the policy", () -> save(ns, "filter")
                .contains("-A cali-tw-calidb0001 -m comment --comment \"cali:"));
        String filter = save(ns, "filter");
        assertTrue(filter.contains("--jump cali-pi-pa-allow-frontend") || filter.contains("-j cali-pi-pa-allow-frontend"),
                filter);
        assertTrue(filter.contains(":cali-pi-pa-allow-frontend"), filter);
        assertTrue(filter.contains("--dport 5432") || filter.contains("--dports 5432"), filter);
        assertFalse(filter.contains("caliweb0001"), "a remote endpoint gets no chains here: " + filter);
        String sets = ipsetList(ns);
        assertTrue(sets.contains("10.65.1.5"), "the frontend's address is in the selector set: " + sets);
        await("endpoint.programmed names the endpoint and its policy", () -> events("endpoint.programmed").stream()
                .anyMatch(e -> "default/pan1-cni-db-eth0".equals(e.subject())
                        && String.valueOf(e.data().get("ingressPolicies")).contains("pa-allow-frontend")));
        CloudEvent programmed = events("endpoint.programmed").get(events("endpoint.programmed").size() - 1);
        assertEquals("calidb0001", programmed.data().get("interface"), programmed.toString());
        assertEquals("WorkloadEndpoint", programmed.data().get("kind"), programmed.toString());
        assertTrue(events("endpoint.programmed").stream().noneMatch(e -> e.subject().contains("web")),
                "a remote endpoint is not programmed here: " + events("endpoint.programmed"));

        assertEquals("1", Cmd.run("ip", "netns", "exec", ns.name(), "sysctl", "-n", "net.ipv4.ip_forward").strip(),
                "IPv4 forwarding switched on in the node's namespace, as Felix's configureKernel does");
        String statusKey = FelixStatusKeys.forWorkloadEndpoint("default", "pan1-cni-db-eth0").orElseThrow();
        await("the endpoint's status is up", () -> "{\"status\":\"up\"}".equals(status(statusKey)));
        // felix endpoint_mgr.go configureInterface, on the interface in the node's namespace.
        for (String key : new String[] {"net/ipv4/conf/calidb0001/route_localnet", "net/ipv4/neigh/calidb0001/proxy_delay",
                "net/ipv4/conf/calidb0001/proxy_arp", "net/ipv4/conf/calidb0001/forwarding"}) {
            String want = key.endsWith("proxy_delay") ? "0" : "1";
            assertEquals(want, sysctl(ns, key), key);
        }
        assertEquals("0", sysctl(ns, "net/ipv6/conf/calidb0001/accept_ra"), "router advertisements ignored");
        // felix endpoint_mgr.go: an endpoint whose interface is down is reported down, and up again with it.
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", "calidb0001", "down");
        await("the endpoint's status follows its interface down", () -> "{\"status\":\"down\"}".equals(status(statusKey)));
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", "calidb0001", "up");
        await("and up again", () -> "{\"status\":\"up\"}".equals(status(statusKey)));

        // A label change touches the set only.
        apply(wep("pan2", "web", "caliweb0001", "10.65.1.5", "role: backend"));
        await("the relabelled endpoint leaves the set", () -> !ipsetList(ns).contains("10.65.1.5"));

        // The policy goes: the endpoint's chain no longer jumps to it and its chains are removed.
        resources.delete(new ResourceId(Kind.GLOBAL_NETWORK_POLICY, null, "pa-allow-frontend"), null);
        await("the policy's chain is gone", () -> !save(ns, "filter").contains("cali-pi-pa-allow-frontend"));

        // The endpoint goes: its chains and its status go.
        resources.delete(new ResourceId(Kind.WORKLOAD_ENDPOINT, "default", "pan1-cni-db-eth0"), null);
        await("the endpoint's chains are gone", () -> !save(ns, "filter").contains("cali-tw-calidb0001"));
        await("the endpoint's status is deleted", () -> status(statusKey) == null);
    }

    /** A workload's host-side interface as the CNI plugin leaves it: a veth, both ends up. */
    private static void workloadInterface(TestNamespace ns, String name, String peer) {
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "add", name, "type", "veth", "peer", "name", peer);
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", peer, "up");
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", name, "up");
    }

    private static String sysctl(TestNamespace ns, String key) {
        return Cmd.run("ip", "netns", "exec", ns.name(), "sysctl", "-n", key).strip();
    }

    @Test
    void anInterfaceThatCannotBeConfiguredReportsErrorUntilItCan() {
        TestNamespace ns = netns.create();
        workloadInterface(ns, "calidb0004", "peer0004");
        // Below IPv6's minimum MTU the kernel takes IPv6 off the interface, /proc/sys/net/ipv6/conf/calidb0004 with it:
        // proxy_ndp cannot be written, as when a real interface lacks IPv6.
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", "calidb0004", "mtu", "1000");
        apply("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: pan4-cni-v6-eth0, namespace: default, labels: {app: v6}}
                spec:
                  node: pan4
                  orchestrator: cni
                  workload: v6
                  containerID: v6
                  endpoint: eth0
                  interfaceName: calidb0004
                  ipNetworks: [10.65.4.2/32, "fd00:65::4/128"]
                """);
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan4", ns.name())).start();
        String statusKey = FelixStatusKeys.forWorkloadEndpoint("default", "pan4-cni-v6-eth0").orElseThrow();
        await("felix's error status while the interface cannot be configured",
                () -> "{\"status\":\"error\"}".equals(status(statusKey)));
        assertEquals("1", sysctl(ns, "net/ipv4/conf/calidb0004/proxy_arp"), "the IPv4 half was written all the same");

        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", "calidb0004", "mtu", "1500");
        await("the retry configures it and the status is up",
                () -> "{\"status\":\"up\"}".equals(status(statusKey)));
        assertEquals("1", sysctl(ns, "net/ipv6/conf/calidb0004/proxy_ndp"));
        assertEquals("1", sysctl(ns, "net/ipv6/conf/calidb0004/forwarding"));
    }

    @Test
    void aHostEndpointIsUpDownOrErrorByTheInterfacesItProtects() {
        TestNamespace ns = netns.create();
        apply("""
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: pan7-eth9, labels: {role: host}}
                spec: {node: pan7, interfaceName: hosteth9}
                """);
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan7", ns.name())).start();
        String key = FelixStatusKeys.hostEndpointStatus("pan7", "pan7-eth9");
        // felix endpoint_mgr.go calculateHostEndpointStatus: no such interface is "error", down is "down", up is "up".
        await("error while its interface does not exist", () -> "{\"status\":\"error\"}".equals(status(key)));
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "add", "hosteth9", "type", "veth", "peer", "name", "peereth9");
        await("down while its interface is down", () -> "{\"status\":\"down\"}".equals(status(key)));
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", "peereth9", "up");
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "link", "set", "hosteth9", "up");
        await("up with it", () -> "{\"status\":\"up\"}".equals(status(key)));
        resources.delete(new ResourceId(Kind.HOST_ENDPOINT, null, "pan7-eth9"), null);
        await("deleted with the host endpoint", () -> status(key) == null);

        // Naming no interface, it binds to the one holding an expected address, followed by netlink address events.
        workloadInterface(ns, "hostethb", "peerethb");
        apply("""
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: pan7-by-address, labels: {role: host}}
                spec: {node: pan7, expectedIPs: [10.77.0.1]}
                """);
        String byAddress = FelixStatusKeys.hostEndpointStatus("pan7", "pan7-by-address");
        await("error while no interface has the address", () -> "{\"status\":\"error\"}".equals(status(byAddress)));
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "addr", "add", "10.77.0.1/24", "dev", "hostethb");
        await("bound and up once the address is there", () -> "{\"status\":\"up\"}".equals(status(byAddress)));
        assertTrue(save(ns, "filter").contains("cali-th-hostethb"), "its chains are for that interface");
        Cmd.run("ip", "netns", "exec", ns.name(), "ip", "addr", "del", "10.77.0.1/24", "dev", "hostethb");
        await("unbound when the address goes", () -> "{\"status\":\"error\"}".equals(status(byAddress)));
        resources.delete(new ResourceId(Kind.HOST_ENDPOINT, null, "pan7-by-address"), null);
    }

    @Test
    void aCleanStopRemovesTheLivenessKeySoTheCniStopsWaiting() {
        TestNamespace ns = netns.create();
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan5", ns.name())).start();
        String key = FelixStatusKeys.activeStatusReport("pan5");
        await("the leased liveness report", () -> status(key) != null);
        agent.close();
        agent = null;
        assertEquals(null, status(key), "revoked with its lease at a clean stop");
        assertTrue(status(FelixStatusKeys.lastStatusReport("pan5")) != null, "the unleased last report stays, as Felix's");
    }

    @Test
    void endpointReportingOffWritesNoStatusesAndReportingIntervalZeroNoLiveness() {
        TestNamespace ns = netns.create();
        workloadInterface(ns, "calidb0006", "peer0006");
        apply(wep("pan6", "db", "calidb0006", "10.65.6.2", "app: db"));
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan6", ns.name())).start();
        String statusKey = FelixStatusKeys.forWorkloadEndpoint("default", "pan6-cni-db-eth0").orElseThrow();
        String liveness = FelixStatusKeys.activeStatusReport("pan6");
        await("up while reporting is on", () -> "{\"status\":\"up\"}".equals(status(statusKey)));
        await("the liveness report", () -> status(liveness) != null);

        apply("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.pan6}
                spec: {endpointReportingEnabled: false, reportingInterval: 0s}
                """);
        await("the status is withdrawn", () -> status(statusKey) == null);
        await("and the liveness report with it", () -> status(liveness) == null);
        resources.delete(new ResourceId(Kind.FELIX_CONFIGURATION, null, "node.pan6"), null);
        await("back on: the status is written again", () -> "{\"status\":\"up\"}".equals(status(statusKey)));
        await("and the liveness report", () -> status(liveness) != null);
    }

    @Test
    void tamperingIsRepairedWithinTheRefreshIntervalAndARestartAdoptsWithoutWrites() {
        TestNamespace ns = netns.create();
        apply("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.pan3}
                spec: {iptablesRefreshInterval: 2s}
                """);
        apply(wep("pan3", "app", "caliapp0003", "10.65.3.2", "app: x"));
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan3", ns.name())).reportTo(eventsOf("pan3")).start();
        await("chains written", () -> save(ns, "filter").contains("-A cali-tw-caliapp0003"));
        String before = rules(save(ns, "filter"), "cali-tw-caliapp0003");

        Cmd.run("ip", "netns", "exec", ns.name(), "iptables-legacy", "-F", "cali-tw-caliapp0003");
        assertFalse(save(ns, "filter").contains("-A cali-tw-caliapp0003"));
        await("the flushed chain is rewritten", () -> rules(save(ns, "filter"), "cali-tw-caliapp0003").equals(before));
        await("and the repair reported", () -> !events("tampering.repaired").isEmpty());
        CloudEvent repaired = events("tampering.repaired").get(0);
        assertTrue(String.valueOf(repaired.data().get("repaired")).contains("iptables filter"), repaired.toString());
        assertEquals(1, events("tampering.repaired").size(), "one repair, one event: " + events("tampering.repaired"));

        // A foreign rule in a foreign chain is never touched.
        Cmd.run("ip", "netns", "exec", ns.name(), "iptables-legacy", "-N", "OPERATOR");
        Cmd.run("ip", "netns", "exec", ns.name(), "iptables-legacy", "-A", "OPERATOR", "-j", "ACCEPT");

        agent.close();
        agent = new PolicyAgent(kv, AgentSettings.inNamespace("pan3", ns.name())).start();
        PolicyAgent restarted = agent;
        await("the restarted renderer is ready", restarted::ready);
        assertEquals(0, restarted.manager().restoreCalls(), "the kernel was right: adopting it writes nothing");
        assertTrue(save(ns, "filter").contains("-A OPERATOR -j ACCEPT"), "the operator's chain is untouched");
    }

    private static String rules(String save, String chain) {
        return save.lines().filter(l -> l.startsWith("-A " + chain + " ")).reduce("", (a, b) -> a + b + "\n");
    }
}
