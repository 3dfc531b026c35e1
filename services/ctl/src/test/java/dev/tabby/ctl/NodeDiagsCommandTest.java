package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tabbyctl node diags} run as an operator runs it on a node: a real tabbyctl process inside a network namespace
 * the test made ({@code ip netns exec}), with a stand-in policy-renderer answering on 127.0.0.1:9183 in the same
 * namespace. calicoctl/commands/node/diags.go is the reference for the file names, the progress lines and the closing
 * "Diags saved to %s" lines.
 */
class NodeDiagsCommandTest {
    @RegisterExtension
    final NamespaceExtension namespaces = new NamespaceExtension();

    private static final Pattern SAVED = Pattern.compile("(?m)^Diags saved to (\\S+)$");
    private final List<Process> started = new ArrayList<>();
    private Path scratch;
    private TestNamespace ns;

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createTempDirectory("tabby-t-diags");
        ns = namespaces.create();
        ns.ip("link", "add", "tabbyt0", "type", "veth", "peer", "name", "tabbyt1");
        ns.ip("addr", "add", "198.51.100.77/24", "dev", "tabbyt0");
        ns.ip("link", "set", "tabbyt0", "up");
        ns.ip("link", "set", "tabbyt1", "up");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        EtcdExtension.deleteRecursively(scratch);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** A service's HTTP endpoints in the namespace, in a JVM of its own; returns once it listens. */
    private void serviceInNamespace(int port) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), java(), "-cp", classpath(),
                Service.class.getName(), Integer.toString(port)).redirectErrorStream(true).start();
        started.add(p);
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertEquals("listening", first, "the stand-in service did not start");
    }

    /** PATH for tabbyctl: every tool it runs, except netstat, which this host then lacks. */
    private Path pathWithoutNetstat() throws IOException {
        Path bin = Files.createDirectories(scratch.resolve("bin"));
        for (String tool : List.of("date", "hostname", "ss", "ip", "bridge", "iptables-save", "ip6tables-save",
                "ipset", "ps", "tar", "gzip")) {
            Path real = null;
            for (String dir : System.getenv("PATH").split(":")) {
                if (Files.isExecutable(Path.of(dir, tool))) {
                    real = Path.of(dir, tool);
                    break;
                }
            }
            assertNotNull(real, tool + " is needed by this test");
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        return bin;
    }

    @Test
    void collectsTheNamespacesStateLogsCniConfigAndServiceHealth() throws Exception {
        Path logs = Files.createDirectories(scratch.resolve("log/tabby/node1"));
        Files.writeString(logs.resolve("vxlan-manager.log"), "event=started node=node1\n");
        Path cni = Files.createDirectories(scratch.resolve("net.d"));
        Files.writeString(cni.resolve("10-tabby.conflist"), """
                {"cniVersion": "0.3.1", "name": "k8s-pod-network",
                 "plugins": [{"type": "tabby-cni", "etcd_endpoints": "http://10.99.1.1:2379", "etcd_password": "hunter2"}]}
                """);
        Files.writeString(cni.resolve("calico-kubeconfig"), "token: very-secret\n");
        Path tmp = Files.createDirectories(scratch.resolve("tmp"));
        serviceInNamespace(9183);

        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns.name(), java(), "-Djava.io.tmpdir=" + tmp,
                "-cp", classpath(), Main.class.getName(), "node", "diags",
                "--log-dir", scratch.resolve("log/tabby").toString(), "--cni-conf-dir", cni.toString())
                .redirectErrorStream(true);
        pb.environment().put("PATH", pathWithoutNetstat().toString());
        Process p = pb.start();
        started.add(p);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);

        // diags.go's lines, in its order.
        assertTrue(output.startsWith("Collecting diagnostics\nUsing temp dir: " + tmp + "/tabby"), output);
        for (String line : List.of("Dumping netstat", "Dumping routes (IPv4)", "Dumping interface info (IPv6)",
                "Dumping iptables (IPv4)", "Dumping ipsets", "Copying Calico logs")) {
            assertTrue(output.contains("\n" + line + "\n"), line + " missing:\n" + output);
        }
        assertTrue(output.contains("Failed to run command: netstat -a -n\nError: netstat is not installed"), output);
        Matcher saved = SAVED.matcher(output);
        assertTrue(saved.find(), output);
        Path tarball = Path.of(saved.group(1));
        assertTrue(tarball.startsWith(tmp) && tarball.getFileName().toString().matches("diags-\\d{8}_\\d{6}\\.tar\\.gz"), output);
        assertTrue(output.contains("If required, you can upload the diagnostics bundle to a file sharing service\n"
                + "such as transfer.sh using curl or similar.  For example:\n\n    curl --upload-file " + tarball), output);

        Path x = Files.createDirectories(scratch.resolve("x"));
        Process untar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", x.toString()).redirectErrorStream(true).start();
        String untarOut = new String(untar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, untar.waitFor(), untarOut);
        Path d = x.resolve("diagnostics");
        for (String f : List.of("date", "hostname", "netstat", "ss", "links", "ipv4_route", "ipv6_route", "ipv4_addr",
                "ipv6_addr", "neighbours", "fdb", "ipv4_rule", "ipv6_rule", "ipv4_tables", "ipv6_tables", "ipsets", "ps",
                "not-collected",
                "logs/node1/vxlan-manager.log", "cni/10-tabby.conflist",
                "services/policy-renderer-9183/health", "services/policy-renderer-9183/metrics")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), f + " missing from the tarball");
        }

        // The namespace's addresses and links, not the host's.
        String addrs = Files.readString(d.resolve("ipv4_addr"));
        assertTrue(addrs.contains("inet 198.51.100.77/24") && addrs.contains("tabbyt0"), addrs);
        for (String hostAddress : hostAddresses()) {
            assertFalse(addrs.contains("inet " + hostAddress + "/"), "the host's " + hostAddress + " in\n" + addrs);
        }
        assertTrue(Files.readString(d.resolve("links")).contains("veth"), "ip -d link shows the veth's type");
        assertTrue(Files.readString(d.resolve("ipv4_route")).contains("198.51.100.0/24 dev tabbyt0"));
        assertTrue(Files.readString(d.resolve("fdb")).contains("dev tabbyt0"), "bridge fdb show of the namespace");
        assertFalse(notCollected(d).contains("exit code"), "every tool present ran cleanly:\n" + notCollected(d));

        assertEquals("event=started node=node1\n", Files.readString(d.resolve("logs/node1/vxlan-manager.log")));
        String conflist = Files.readString(d.resolve("cni/10-tabby.conflist"));
        assertTrue(conflist.contains("\"etcd_password\" : \"<redacted>\"") && !conflist.contains("hunter2"), conflist);
        assertTrue(conflist.contains("http://10.99.1.1:2379"), conflist);
        assertFalse(Files.exists(d.resolve("cni/calico-kubeconfig")), "credentials stay out of the bundle");
        assertEquals("HTTP 200\n{\"status\":\"UP\",\"checks\":[]}\n", Files.readString(d.resolve("services/policy-renderer-9183/health")));
        assertEquals("HTTP 200\ntabby_test_up 1\n", Files.readString(d.resolve("services/policy-renderer-9183/metrics")));

        String notCollected = Files.readString(d.resolve("not-collected"));
        assertTrue(notCollected.contains("netstat: netstat -a -n: netstat is not installed"), notCollected);
        assertTrue(notCollected.contains("calico-kubeconfig: skipped, not a CNI network configuration"), notCollected);
        assertTrue(notCollected.contains("services/bgp-speaker-9180/health: http://127.0.0.1:9180/q/health did not answer: connection refused (the service does not run here)"),
                notCollected);
        assertFalse(notCollected.contains("policy-renderer-9183"), notCollected);
        assertTrue(Files.readString(d.resolve("netstat")).startsWith("not collected: netstat is not installed"));
    }

    @Test
    void aMissingLogDirIsNotedNotFatal() throws Exception {
        Path tmp = Files.createDirectories(scratch.resolve("tmp"));
        Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), java(), "-Djava.io.tmpdir=" + tmp,
                "-cp", classpath(), Main.class.getName(), "node", "diags",
                "--log-dir", scratch.resolve("no-such-dir").toString(), "--cni-conf-dir", scratch.resolve("none").toString())
                .redirectErrorStream(true).start();
        started.add(p);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        // diags.go: fmt.Printf("Error copying log files: %v\n", err)
        assertTrue(output.contains("Error copying log files: stat " + scratch.resolve("no-such-dir")
                + ": no such file or directory\n"), output);
        Matcher saved = SAVED.matcher(output);
        assertTrue(saved.find(), output);
        Process list = new ProcessBuilder("tar", "-xzOf", saved.group(1), "diagnostics/not-collected").start();
        String notCollected = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, list.waitFor());
        assertTrue(notCollected.contains("logs: stat " + scratch.resolve("no-such-dir")), notCollected);
        assertTrue(notCollected.contains("cni: " + scratch.resolve("none") + " does not exist"), notCollected);
    }

    private static String notCollected(Path diagnostics) throws IOException {
        return Files.readString(diagnostics.resolve("not-collected"));
    }

    private static List<String> hostAddresses() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "-4", "-o", "addr").start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/").matcher(text);
        while (m.find()) {
            if (!m.group(1).startsWith("127.")) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** A stand-in for a Tabby service's Quarkus endpoints: /q/health and /q/metrics on 127.0.0.1:PORT. */
    public static final class Service {
        public static void main(String[] args) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(args[0])), 0);
            server.createContext("/q/health", ex -> reply(ex, "{\"status\":\"UP\",\"checks\":[]}"));
            server.createContext("/q/metrics", ex -> reply(ex, "tabby_test_up 1\n"));
            server.start();
            System.out.println("listening");
            System.out.flush();
            // Until the test ends it.
            while (System.in.read() >= 0) {
                // nothing
            }
            server.stop(0);
        }

        private static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        }
    }
}
