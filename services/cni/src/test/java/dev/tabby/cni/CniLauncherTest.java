package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.netlink.NamespaceForwarder;
import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The installed launchers, executed as a runtime executes plugins (a process per call, environment and stdin),
 * through the daemon and, once, without it. Also Tabby's IPAM under Debian's bridge plugin, and Tabby's plugin with
 * Debian's host-local IPAM, when containernetworking-plugins is installed.
 */
class CniLauncherTest {
    private static final Path DEBIAN_PLUGINS = Path.of("/usr/lib/cni");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static Path bin;
    private static Path confDir;
    private static Path socket;
    private static TestDaemon daemon;
    private CniFixture f;

    @BeforeAll
    static void install() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        assertTrue(Files.exists(root.resolve("scripts/cni.sh")), "tests run from services/cni of a checkout: " + root);
        bin = ETCD.scratchDir("bin");
        confDir = ETCD.scratchDir("net.d");
        Path var = ETCD.scratchDir("var");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "source \"$1/scripts/lib.sh\" && source \"$1/scripts/cni.sh\" && cni_install \"$2\" \"$3\"",
                "_", root.toString(), bin.toString(), confDir.toString());
        pb.environment().put("TABBY_CNI_VAR", var.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "cni_install failed: " + out);
        assertTrue(Files.exists(var.resolve("client.jsa")), "the client's CDS archive was recorded: " + out);

        socket = ETCD.scratchDir("daemon").resolve("cni.sock");
        daemon = TestDaemon.start(socket);
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    @BeforeEach
    void node() {
        f = new CniFixture(ETCD, netns);
        daemon.node(f.host);
        f.pool("pool-v4", "10.71.0.0/16", 26);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static CniRuntime.Transport launcher(Path daemonSocket) {
        return CniRuntime.launcher(bin, Map.of("TABBY_CNI_SOCKET", daemonSocket.toString(), "PATH", System.getenv("PATH")));
    }

    @Test
    void installWritesLaunchersAndAConflist() throws Exception {
        for (String name : List.of("tabby-cni", "tabby-ipam", "tabby")) {
            assertTrue(Files.isExecutable(bin.resolve(name)), name);
        }
        JsonNode conflist = JSON.readTree(confDir.resolve("10-tabby.conflist").toFile());
        assertEquals("1.0.0", conflist.path("cniVersion").asText());
        assertEquals("tabby", conflist.path("plugins").get(0).path("type").asText());
        assertEquals("tabby-ipam", conflist.path("plugins").get(0).path("ipam").path("type").asText());
    }

    @Test
    void addCheckDelThroughTheLauncherAndTheDaemon() {
        CniRuntime.Transport runtime = launcher(socket);
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "launched");

        CniRuntime.Outcome added = runtime.call("tabby", add);
        JsonNode result = added.requireOk().json();
        assertEquals("", added.stderr().strip(), "nothing on stderr from a healthy call");
        String address = result.path("ips").get(0).path("address").asText();
        String ip = address.substring(0, address.indexOf('/'));
        assertTrue(c.oracle().addrs("eth0").stream().anyMatch(a -> ip.equals(a.get("local"))));
        assertEquals(result.path("interfaces").get(1).path("mac").asText(), c.oracle().link("eth0").orElseThrow().get("address"));
        assertTrue(f.host.oracle().route("main", address).isPresent());

        String withPrev = f.config("1.0.0", "\"prevResult\":" + result);
        CniRuntime.Outcome check = runtime.call("tabby-cni", add.withCommand("CHECK").withConfig(withPrev));
        assertTrue(check.ok(), check.toString());
        assertEquals("", check.stdout());

        CniRuntime.Outcome del = runtime.call("tabby-cni", add.withCommand("DEL"));
        assertTrue(del.ok(), del.toString());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void errorsComeOutAsSpecJsonWithANonZeroExit() {
        CniRuntime.Transport runtime = launcher(socket);
        CniRuntime.Outcome bad = runtime.call("tabby-cni", CniRuntime.Call.of("ADD", CniFixture.containerId(), "/run/netns/x",
                "{not json"));
        assertTrue(bad.exitCode() != 0);
        assertEquals(6, bad.code());
        assertEquals(bad.json().toString(), bad.stdout().strip(), "stdout holds the error JSON and nothing else");

        CniRuntime.Outcome version = runtime.call("tabby-ipam", CniRuntime.Call.of("VERSION", null, null, "{\"cniVersion\":\"1.0.0\"}"));
        assertTrue(version.ok());
        assertTrue(version.json().path("supportedVersions").toString().contains("1.0.0"));
    }

    @Test
    void withoutADaemonTheLauncherDoesTheWorkItself() throws Exception {
        // In-process, the plugin works on the namespace it runs in: run the launcher inside the node's, as a runtime
        // on that node would, with etcd forwarded onto the node's loopback.
        URI etcd = URI.create(f.endpoint().split(",")[0]);
        try (NamespaceForwarder toEtcd = NamespaceForwarder.start(f.host.path(),
                new InetSocketAddress(etcd.getHost(), etcd.getPort()))) {
            CniRuntime.Transport runtime = inNamespace(f.host, bin, ETCD.scratchDir("nobody").resolve("cni.sock"));
            TestNamespace c = f.container();
            String id = CniFixture.containerId();
            String conf = f.config().replace(f.endpoint(), toEtcd.endpoint());
            CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), conf).withPod("shop", "alone");
            CniRuntime.Outcome added = runtime.call("tabby-cni", add);
            String address = added.requireOk().json().path("ips").get(0).path("address").asText();
            assertTrue(added.stderr().contains("running in-process"), "log_level debug says so on stderr: " + added.stderr());
            assertTrue(f.host.oracle().route("main", address).isPresent(), "the host side is in the node's namespace");
            assertTrue(runtime.call("tabby-cni", add.withCommand("DEL")).ok());
            f.assertNoLeftovers(List.of(id));
        }
    }

    @Test
    void tabbyIpamServesDebiansBridgePlugin() throws Exception {
        assumeTrue(Files.isExecutable(DEBIAN_PLUGINS.resolve("bridge")), "containernetworking-plugins is not installed");
        Path cniPath = ETCD.scratchDir("cni-path-bridge");
        Files.deleteIfExists(cniPath.resolve("bridge"));
        Files.deleteIfExists(cniPath.resolve("tabby-ipam"));
        Files.createSymbolicLink(cniPath.resolve("bridge"), DEBIAN_PLUGINS.resolve("bridge"));
        Files.createSymbolicLink(cniPath.resolve("tabby-ipam"), bin.resolve("tabby-ipam"));
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"bridgenet\",\"type\":\"bridge\",\"bridge\":\"tabbybr0\","
                + "\"isGateway\":false,\"ipMasq\":false,"
                + "\"etcd_endpoints\":\"" + f.endpoint() + "\",\"nodename\":\"" + f.node + "\","
                + "\"ipam\":{\"type\":\"tabby-ipam\"}}";
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), conf).withEnv("CNI_PATH", cniPath.toString());
        // bridge makes its bridge in the namespace it runs in: run it in the node's, as that node's runtime would.
        CniRuntime.Transport runtime = inNamespace(f.host, cniPath, socket);
        CniRuntime.Outcome added = runtime.call("bridge", add);
        JsonNode result = added.requireOk().json();
        String address = result.path("ips").get(0).path("address").asText();
        assertTrue(address.startsWith("10.71."), result.toString());
        String ip = address.substring(0, address.indexOf('/'));
        assertTrue(c.oracle().addrs("eth0").stream().anyMatch(a -> ip.equals(a.get("local"))), "bridge put Tabby's address in the container");
        assertEquals(1, f.ipam.addressesOf("bridgenet." + id).size());

        assertTrue(runtime.call("bridge", add.withCommand("DEL")).ok());
        assertTrue(f.ipam.addressesOf("bridgenet." + id).isEmpty(), "bridge's DEL released through tabby-ipam");
        assertTrue(f.host.oracle().link("tabbybr0").isPresent(), "bridge's bridge, in the node's namespace");
    }

    @Test
    void tabbyDelegatesToDebiansHostLocalIpam() throws Exception {
        assumeTrue(Files.isExecutable(DEBIAN_PLUGINS.resolve("host-local")), "containernetworking-plugins is not installed");
        Path dataDir = ETCD.scratchDir("host-local-" + CniFixture.hex(3));
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        String conf = f.config().replace("\"ipam\":{\"type\":\"tabby-ipam\"}", "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                + dataDir + "\",\"ranges\":[[{\"subnet\":\"10.72.0.0/24\"}]]}");
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), conf).withPod("shop", "hostlocal")
                .withEnv("CNI_PATH", DEBIAN_PLUGINS.toString());
        CniRuntime.Transport plugin = CniRuntime.daemon(socket);
        JsonNode result = plugin.call(Plugins.CNI, add).requireOk().json();
        String address = result.path("ips").get(0).path("address").asText();
        assertTrue(address.startsWith("10.72.0.") && address.endsWith("/32"), result.toString());
        assertTrue(f.host.oracle().route("main", address).isPresent());
        assertTrue(plugin.call(Plugins.CNI, add.withCommand("DEL")).ok());
        try (var files = Files.walk(dataDir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().equals(address.replace("/32", ""))),
                    "host-local released the address");
        }
        f.assertNoLeftovers(List.of());
    }

    /** A runtime inside {@code ns}: {@code ip netns exec NS plugin}. */
    private static CniRuntime.Transport inNamespace(TestNamespace ns, Path cniPath, Path daemonSocket) {
        Path wrapperDir = ETCD.scratchDir("in-" + ns.name());
        return (plugin, call) -> {
            Path wrapper = wrapperDir.resolve(plugin);
            try {
                Files.writeString(wrapper, "#!/bin/bash\nexec ip netns exec " + ns.name() + " " + cniPath.resolve(plugin) + "\n");
                wrapper.toFile().setExecutable(true);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return CniRuntime.launcher(wrapperDir, Map.of("TABBY_CNI_SOCKET", daemonSocket.toString(), "PATH",
                    System.getenv("PATH"))).call(plugin, call);
        };
    }
}
