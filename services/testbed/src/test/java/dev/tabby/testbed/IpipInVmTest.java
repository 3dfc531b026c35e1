package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Ipam;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import dev.tabby.netlink.NamespaceForwarder;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * ipip-manager on a kernel that has IP-in-IP: runs only inside {@code bin/tabby vm run} (tag {@code vm}; the host's
 * surefire leaves it out, {@code vm.IpipVmSuiteTest} runs it in the VM). Two nodes in namespaces on one underlay
 * subnet, each running ipip-manager's packaged service ({@code quarkus-run.jar}) inside its namespace as a node runs
 * it, a workload on each attached as Calico's CNI plugin attaches one, and a real etcd reached over the underlay.
 *
 * <p>The cases run in order on one cluster: a JVM starts 20-50 times slower here than on the host.
 */
@Tag("vm")
@Order(1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpipInVmTest {
    private static final Path ROOT = Path.of(System.getProperty("tabby.root", "../..")).toAbsolutePath().normalize();
    private static final String POOL = "10.70.0.0/16";
    private static final String GATEWAY = "10.98.0.1";
    private static final List<String> NODES = List.of("node1", "node2");
    private static final String IPIP = "ipip-manager";
    private static final String BGP = "bgp-speaker";
    /** The service's readiness can take minutes in a VM under TCG; nothing here is a performance assertion. */
    private static final Duration START = Duration.ofMinutes(6);
    private static final Duration SOON = Duration.ofSeconds(60);

    private LocalEtcd etcd;
    private KeyValueStore kv;
    private ResourceStore resources;
    private NamespaceForwarder forwarder;
    private TestNamespace underlay;
    private final Map<String, TestNamespace> nodeNs = new LinkedHashMap<>();
    private final Map<String, TestNamespace> workloadNs = new LinkedHashMap<>();
    private final Map<String, IpAddress> workloadIp = new LinkedHashMap<>();
    /** Running services by {@code node/service}. */
    private final Map<String, Process> services = new LinkedHashMap<>();
    private Path work;
    private static volatile boolean failed;

    /** On a failure, the services' own logs are printed before they are deleted: CI shows only the VM's output. */
    @RegisterExtension
    static final TestWatcher WATCH = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };

    @BeforeAll
    void cluster() throws Exception {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ipip-vm-");
        etcd = LocalEtcd.start(work.resolve("etcd"));
        // The first call loads gRPC and jetcd, which under TCG takes longer than the default 10 s deadline.
        kv = KeyValueStore.connect(etcd.clientConfig().withTimeout(Duration.ofSeconds(90)));
        resources = new ResourceStore(kv);
        underlay = TestNamespace.create();
        underlay.ip("link", "add", "br0", "type", "bridge");
        underlay.ip("addr", "add", GATEWAY + "/24", "dev", "br0");
        underlay.ip("link", "set", "br0", "up");
        forwarder = NamespaceForwarder.start(underlay.path(), new InetSocketAddress(GATEWAY, 2379),
                new InetSocketAddress(etcd.endpoint().getHost(), etcd.endpoint().getPort()));
        resources.create(yaml("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: ipip-pool\nspec:\n"
                + "  cidr: " + POOL + "\n  blockSize: 26\n  ipipMode: Always\n  natOutgoing: false\n"));
        int i = 11;
        for (String node : NODES) {
            addNode(node, "10.98.0." + i++ + "/24");
        }
        for (String node : NODES) {
            addWorkload(node);
        }
        for (String node : NODES) {
            startService(node, IPIP);
        }
        for (String node : NODES) {
            Waiting.await(START, () -> ready(node, IPIP), node + "'s ipip-manager ready (log " + log(node, IPIP) + ")");
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        for (String key : new ArrayList<>(services.keySet())) {
            kill(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1));
        }
        for (TestNamespace ns : workloadNs.values()) {
            ns.close();
        }
        for (TestNamespace ns : nodeNs.values()) {
            ns.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (underlay != null) {
            underlay.close();
        }
        if (kv != null) {
            kv.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        if (work != null) {
            for (String node : NODES) {
                for (String service : List.of(IPIP, BGP)) {
                    if (failed && Files.exists(log(node, service))) {
                        List<String> lines = Files.readAllLines(log(node, service));
                        System.out.println("---- " + node + "'s " + service + ", last 40 lines ----");
                        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
                    }
                }
            }
            EtcdExtension.deleteRecursively(work);
        }
    }

    @Test
    @Order(1)
    void tunl0HasTheNodesTunnelAddressAndTheIpipMtu() throws Exception {
        for (String node : NODES) {
            String tunnel = node(node).spec().bgp().ipv4IPIPTunnelAddr();
            assertTrue(tunnel != null && IpAddress.parse(tunnel).isV4(), node + " got an IP-in-IP tunnel address: " + tunnel);
            String link = ns(node).ip("-d", "link", "show", "tunl0");
            assertTrue(link.contains("mtu 1480"), "tunl0's MTU is eth0's 1500 minus 20 (Felix's default):\n" + link);
            assertTrue(link.contains(",UP"), "tunl0 is up:\n" + link);
            assertTrue(link.contains("ipip"), "tunl0 is the kernel's IP-in-IP device:\n" + link);
            String addr = ns(node).ip("-4", "addr", "show", "dev", "tunl0");
            assertTrue(addr.contains("inet " + tunnel + "/32"), "exactly the tunnel address as a /32:\n" + addr);
            assertEquals("1480", Files.readString(mtuFile(node)).strip(), "the workload MTU published for the CNI");
        }
    }

    @Test
    @Order(2)
    void eachNodeRoutesTheOthersBlockOverTunl0AndBlackholesItsOwn() throws Exception {
        String route = routeTo("node1", workloadIp.get("node2"));
        assertTrue(route.contains("via 10.98.0.12 dev tunl0") && route.contains("proto 82") && route.contains("onlink"),
                "node1 reaches node2's block via node2's address, onlink on tunl0, as BIRD's krt_tunnel does:\n" + route);
        String blackholes = ns("node1").ip("route", "show", "type", "blackhole", "proto", "82");
        assertTrue(blackholes.contains(blockOf(workloadIp.get("node1"))), "node1's own block is blackholed:\n" + blackholes);
    }

    @Test
    @Order(3)
    void workloadsOnTwoNodesReachEachOtherInsideIpip() throws Exception {
        // A counting rule on node1's way out to the underlay: IP protocol 4 from node1's address to node2's.
        sh(ns("node1"), "iptables", "-w", "-t", "mangle", "-A", "POSTROUTING", "-o", "eth0", "-p", "4",
                "-s", "10.98.0.11", "-d", "10.98.0.12", "-m", "comment", "--comment", "tabby-t-ipip-count");
        long onWire = ipipPacketsOnEth0();
        long sent = tunlCounter("node1", "tx");
        long received = tunlCounter("node2", "rx");
        ping("node1", workloadIp.get("node2"), 5, 56, true);
        assertTrue(tunlCounter("node1", "tx") - sent >= 5, "the echo requests left node1 through tunl0");
        assertTrue(ipipPacketsOnEth0() - onWire >= 5, "they crossed the underlay as IP protocol 4 (IP-in-IP)");
        assertTrue(tunlCounter("node2", "rx") - received >= 5, "and were decapsulated on node2's tunl0");
    }

    @Test
    @Order(4)
    void aDontFragmentPingFitsTheTunnelMtuAndOneByteMoreDoesNot() throws Exception {
        // 1480 (tunl0) - 20 (IP) - 8 (ICMP) = 1452 bytes of payload.
        ping("node1", workloadIp.get("node2"), 1, 1452, true);
        ping("node1", workloadIp.get("node2"), 1, 1453, false);
    }

    @Test
    @Order(5)
    void tunl0ChangedByHandIsRepairedOnTheLinkEvent() throws Exception {
        long start = System.nanoTime();
        ns("node1").ip("link", "set", "tunl0", "mtu", "1300");
        ns("node1").ip("link", "set", "tunl0", "down");
        Waiting.await(SOON, () -> {
            String l = ns("node1").ip("link", "show", "tunl0");
            return l.contains("mtu 1480") && l.contains(",UP");
        }, "tunl0's MTU and state repaired");
        System.out.printf("event=tunl0_repaired seconds=%.2f (in the VM, under TCG)%n", (System.nanoTime() - start) / 1e9);
        ping("node1", workloadIp.get("node2"), 1, 56, true);
    }

    @Test
    @Order(6)
    void aRouteDeletedByHandComesBackAtTheResync() throws Exception {
        String block = blockOf(workloadIp.get("node2"));
        ns("node1").ip("route", "del", block, "proto", "82");
        Waiting.await(SOON, () -> routeTo("node1", workloadIp.get("node2")).contains("dev tunl0"),
                "the route to node2's block restored");
    }

    @Test
    @Order(7)
    void crossSubnetRoutesASameSubnetNodeDirectly() throws Exception {
        patchPoolMode("CrossSubnet");
        Waiting.await(SOON, () -> {
            String r = routeTo("node1", workloadIp.get("node2"));
            return r.contains("via 10.98.0.12 dev eth0") && r.contains("proto 82");
        }, "node1's route to node2 goes directly on eth0 (same subnet)");
        long sent = tunlCounter("node1", "tx");
        ping("node1", workloadIp.get("node2"), 3, 56, true);
        assertEquals(sent, tunlCounter("node1", "tx"), "same-subnet traffic is not encapsulated");
        patchPoolMode("Always");
        Waiting.await(SOON, () -> routeTo("node1", workloadIp.get("node2")).contains("dev tunl0"), "back on tunl0");
    }

    /**
     * The handover with bgp-speaker (datastore RouteClaims), with the claim written by the test: while it says
     * waiting, our routes stay; the speaker's replacement (proto 83) of one of them stays untouched, and once the
     * claim says programming our others go; when the claim goes, ours come back, replacing the speaker's in place.
     */
    @Test
    @Order(8)
    void routesAreHandedToAndBackFromBgpSpeakerThroughTheClaim() throws Exception {
        String block = blockOf(workloadIp.get("node2"));
        String claimKey = RouteClaims.of("node1");
        kv.put(claimKey, RouteClaims.value("bgp-speaker", RouteClaims.WAITING).getBytes(StandardCharsets.UTF_8));
        Thread.sleep(3000); // nothing is to happen: a few applies' worth of time
        assertTrue(routeTo("node1", workloadIp.get("node2")).contains("proto 82"), "ours stay while the speaker is waiting");
        ns("node1").ip("route", "replace", block, "via", "10.98.0.12", "dev", "tunl0", "onlink", "proto", "83");
        kv.put(claimKey, RouteClaims.value("bgp-speaker", RouteClaims.PROGRAMMING).getBytes(StandardCharsets.UTF_8));
        Waiting.await(SOON, () -> ns("node1").ip("route", "show", "proto", "82").isBlank(),
                "every proto 82 route of node1 removed once the speaker programs");
        assertTrue(routeTo("node1", workloadIp.get("node2")).contains("proto 83"), "the speaker's route is not touched");
        ping("node1", workloadIp.get("node2"), 1, 56, true);
        kv.delete(claimKey);
        Waiting.await(SOON, () -> routeTo("node1", workloadIp.get("node2")).contains("proto 82"),
                "ipip-manager takes the route back, replacing the speaker's in place");
        Waiting.await(SOON, () -> !ns("node1").ip("route", "show", "type", "blackhole", "proto", "82").isBlank(),
                "and its blackhole");
    }

    @Test
    @Order(9)
    void aKilledManagerLeavesTrafficFlowingAndItsSuccessorAdoptsEverything() throws Exception {
        kill("node1", IPIP);
        ping("node1", workloadIp.get("node2"), 2, 56, true);
        startService("node1", IPIP);
        Waiting.await(START, () -> ready("node1", IPIP), "node1's ipip-manager ready again");
        String status = NamespaceHttp.get(ns("node1").path(), 9181, "/v1/status").body();
        Matcher m = Pattern.compile("\"lastApplyWrites\":(\\d+)").matcher(status);
        assertTrue(m.find(), status);
        assertEquals("0", m.group(1), "a restart over a correct kernel writes nothing: " + status);
    }

    /**
     * With bgp-speaker on both nodes (node-to-node mesh, AS 64512), the speaker programs the IP-in-IP routes as BIRD
     * does in Calico ({@code via <node> dev tunl0 onlink}, proto 83) and ipip-manager lets go of its own.
     */
    @Test
    @Order(10)
    void bgpSpeakerTakesTheRoutesOverAndIpipManagerLetsGo() throws Exception {
        for (String node : NODES) {
            startService(node, BGP);
        }
        Waiting.await(START, () -> {
            String r = routeTo("node1", workloadIp.get("node2"));
            return r.contains("via 10.98.0.12 dev tunl0") && r.contains("proto 83") && r.contains("onlink")
                    && ns("node1").ip("route", "show", "proto", "82").isBlank();
        }, "node1's route to node2's block is bgp-speaker's (proto 83, onlink on tunl0) and none of ipip-manager's is left"
                + " (logs " + log("node1", BGP) + ")");
        String status = NamespaceHttp.get(ns("node1").path(), 9181, "/v1/status").body();
        assertTrue(status.contains("\"routeOwner\":\"BGP_SPEAKER\""), status);
        long sent = tunlCounter("node1", "tx");
        ping("node1", workloadIp.get("node2"), 3, 56, true);
        assertTrue(tunlCounter("node1", "tx") - sent >= 3, "still IP-in-IP");
    }

    /** kill -9 of the speaker: its lease expires, ipip-manager replaces its routes in place; not one ping is lost. */
    @Test
    @Order(11)
    void aKilledSpeakersRoutesAreTakenBackWithoutLosingAPacket() throws Exception {
        Pinger pinger = Pinger.start(workloadNs.get("node1"), workloadIp.get("node2"));
        kill("node1", BGP);
        Waiting.await(SOON, () -> routeTo("node1", workloadIp.get("node2")).contains("proto 82"),
                "ipip-manager took node1's routes back once the dead speaker's claim expired");
        Thread.sleep(2000);
        pinger.assertNoneLost();
        assertTrue(ns("node1").ip("route", "show", "proto", "83").lines().noneMatch(l -> l.contains("tunl0")),
                "no route of the dead speaker is left on tunl0");
    }

    /** The speaker back: it claims, converges (graceful restart), replaces ipip-manager's routes; none lost. */
    @Test
    @Order(12)
    void aRestartedSpeakerTakesThemAgainWithoutLosingAPacket() throws Exception {
        Pinger pinger = Pinger.start(workloadNs.get("node1"), workloadIp.get("node2"));
        startService("node1", BGP);
        Waiting.await(START, () -> routeTo("node1", workloadIp.get("node2")).contains("proto 83")
                && ns("node1").ip("route", "show", "proto", "82").isBlank(), "the restarted speaker owns the routes again");
        Thread.sleep(2000);
        pinger.assertNoneLost();
    }

    /** A clean stop revokes the claim at once: ipip-manager takes over without waiting for a lease to expire. */
    @Test
    @Order(13)
    void aStoppedSpeakerHandsTheRoutesBackAtOnce() throws Exception {
        for (String node : NODES) {
            stop(node, BGP);
        }
        for (String node : NODES) {
            Waiting.await(SOON, () -> !ns(node).ip("route", "show", "proto", "82").isBlank()
                    && ns(node).ip("route", "show", "proto", "83").lines().noneMatch(l -> l.contains("tunl0")),
                    node + ": ipip-manager's routes back");
        }
        ping("node1", workloadIp.get("node2"), 2, 56, true);
    }

    @Test
    @Order(14)
    void ipipEnabledFalseRemovesEverythingOfOurs() throws Exception {
        FelixConfiguration def = (FelixConfiguration) resources.get(new ResourceId(Kind.FELIX_CONFIGURATION, null, "default"))
                .orElseThrow();
        String yaml = "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n  name: default\n"
                + "  resourceVersion: \"" + def.metadata().resourceVersion() + "\"\nspec:\n  ipipEnabled: false\n";
        resources.update(yaml(yaml));
        for (String node : NODES) {
            Waiting.await(SOON, () -> ns(node).ip("route", "show", "proto", "82").isBlank()
                    && !ns(node).ip("link", "show", "tunl0").contains(",UP")
                    && !ns(node).ip("-4", "addr", "show", "dev", "tunl0").contains("inet "),
                    node + ": no proto 82 route, tunl0 down with no address");
        }
        ping("node1", workloadIp.get("node2"), 1, 56, false);
    }

    // ---- the cluster ----

    private void addNode(String node, String address) {
        TestNamespace ns = TestNamespace.create();
        nodeNs.put(node, ns);
        String port = "u-" + node;
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", underlay.name());
        underlay.ip("link", "set", port, "master", "br0");
        underlay.ip("link", "set", port, "up");
        ns.ip("addr", "add", address, "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
        ns.ip("route", "add", "default", "via", GATEWAY, "dev", "eth0");
        ns.netlink().sysctlSet("net/ipv4/ip_forward", "1");
        resources.create(yaml("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: " + node
                + "\nspec:\n  bgp:\n    ipv4Address: " + address + "\n"));
    }

    /** A workload attached as Calico's CNI plugin attaches one: a veth, a /32, proxy ARP for 169.254.1.1. */
    private void addWorkload(String node) {
        IpAddress ip = new Ipam(kv).autoAssign(AutoAssignRequest.ipv4(node, "wl-" + node, 1)).ipv4().get(0).address();
        TestNamespace host = ns(node);
        TestNamespace w = TestNamespace.create();
        String cali = "cali" + node;
        host.ip("link", "add", cali, "type", "veth", "peer", "name", "eth0", "netns", w.name());
        w.ip("addr", "add", ip + "/32", "dev", "eth0");
        w.ip("link", "set", "eth0", "up");
        w.ip("route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        w.ip("route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
        host.ip("link", "set", cali, "up");
        host.netlink().sysctlSet("net/ipv4/conf/" + cali + "/proxy_arp", "1");
        host.netlink().sysctlSet("net/ipv4/neigh/" + cali + "/proxy_delay", "0");
        host.ip("route", "add", ip + "/32", "dev", cali);
        workloadNs.put(node, w);
        workloadIp.put(node, ip);
    }

    /** A service's packaged jar inside the node's namespace, told only its node name and etcd, as on a node. */
    private void startService(String node, String service) throws IOException {
        Path jar = ROOT.resolve(service + "/target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), jar + " is built");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(node).name(), "java"));
        cmd.addAll(ServiceJvm.quarkusFlags(ROOT, jar.getParent()));
        if (service.equals(IPIP)) {
            // Service settings an operator may set: a short resync so drift repair shows within the test, and the
            // node's own MTU file rather than this VM's /var/lib/tabby.
            cmd.addAll(List.of("-Dtabby.ipip.resync-interval=3s", "-Dtabby.ipip.mtu-file=" + mtuFile(node)));
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        // In the fast-jar's directory, where its AppCDS archive applies (ServiceJvm).
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(jar.getParent().toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node, service).toFile()));
        pb.environment().put("TABBY_NODENAME", node);
        pb.environment().put("TABBY_ETCD_ENDPOINTS", "http://" + GATEWAY + ":2379");
        services.put(node + "/" + service, pb.start());
    }

    /** kill -9, to its own PID (ip netns exec execs java). */
    private void kill(String node, String service) throws InterruptedException {
        Process p = services.remove(node + "/" + service);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** SIGTERM: the service's clean stop. */
    private void stop(String node, String service) throws InterruptedException {
        Process p = services.remove(node + "/" + service);
        if (p != null) {
            p.destroy();
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(node + "'s " + service + " did not stop within 120 s of SIGTERM");
            }
        }
    }

    private boolean ready(String node, String service) {
        Process p = services.get(node + "/" + service);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(node + "'s " + service + " exited; see " + log(node, service));
        }
        try {
            return NamespaceHttp.get(ns(node).path(), service.equals(IPIP) ? 9181 : 9180, "/q/health/ready").ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Path log(String node, String service) {
        return work.resolve(node + "-" + service + ".log");
    }

    private Path mtuFile(String node) {
        return work.resolve(node + "-mtu");
    }

    private TestNamespace ns(String node) {
        return nodeNs.get(node);
    }

    private Node node(String name) {
        return (Node) resources.get(new ResourceId(Kind.NODE, null, name)).orElseThrow();
    }

    private String routeTo(String node, IpAddress ip) {
        return ns(node).ip("route", "show", "match", ip.toString(), "table", "main").lines()
                .filter(l -> !l.startsWith("default")).filter(l -> !l.startsWith("blackhole"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    /** The /26 block holding {@code ip}: the pool's blockSize. */
    private static String blockOf(IpAddress ip) {
        byte[] b = ip.bytes();
        b[3] = (byte) (b[3] & 0xc0);
        return IpAddress.of(b) + "/26";
    }

    private long tunlCounter(String node, String direction) {
        String stats = ns(node).ip("-s", "link", "show", "tunl0");
        List<String> lines = stats.lines().map(String::strip).toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith(direction.equals("tx") ? "TX:" : "RX:")) {
                return Long.parseLong(lines.get(i + 1).split("\\s+")[1]); // bytes packets ...: the packets
            }
        }
        throw new IllegalStateException("no " + direction + " counters in:\n" + stats);
    }

    /** Packets the counting rule on node1's eth0 has seen. */
    private long ipipPacketsOnEth0() {
        String rules = sh(ns("node1"), "iptables", "-w", "-t", "mangle", "-L", "POSTROUTING", "-v", "-x", "-n");
        for (String line : rules.lines().toList()) {
            if (line.contains("tabby-t-ipip-count")) {
                return Long.parseLong(line.strip().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no counting rule in:\n" + rules);
    }

    private static String sh(TestNamespace ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void ping(String fromNode, IpAddress to, int count, int size, boolean mustPass) throws Exception {
        List<String> cmd = List.of("ip", "netns", "exec", workloadNs.get(fromNode).name(), "ping", "-c", "" + count,
                "-W", "5", "-i", "0.3", "-M", "do", "-s", "" + size, to.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (mustPass) {
            assertEquals(0, exit, "ping -s " + size + " from " + fromNode + "'s workload to " + to + ":\n" + out);
        } else {
            assertTrue(exit != 0, "ping -s " + size + " from " + fromNode + "'s workload to " + to + " must fail:\n" + out);
        }
    }

    private void patchPoolMode(String mode) {
        IPPool pool = (IPPool) resources.get(new ResourceId(Kind.IP_POOL, null, "ipip-pool")).orElseThrow();
        resources.update(yaml("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: ipip-pool\n"
                + "  resourceVersion: \"" + pool.metadata().resourceVersion() + "\"\nspec:\n  cidr: " + POOL
                + "\n  blockSize: 26\n  ipipMode: " + mode + "\n  natOutgoing: false\n"));
    }

    private static Resource yaml(String text) {
        return ResourceCodec.read(text).resources().get(0);
    }
}
