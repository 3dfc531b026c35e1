package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.client.CniClient;
import dev.tabby.cni.daemon.CniDaemon;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The daemon's guard rails: its socket and directory modes, who may call it, what a hung daemon does to a call, and
 * its command line. Daemons here are real: in this JVM, or a JVM of their own inside a test namespace.
 */
class CniDaemonTest {
    private static final String VERSION_CONF = "{\"cniVersion\":\"1.0.0\"}";

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    @Test
    void theSocketIsBorn0600InADirectoryMade0700() throws Exception {
        Path dir = ETCD.scratchDir("fresh-" + CniFixture.hex(4)).resolve("run").resolve("tabby");
        String umaskBefore = umask();
        try (TestDaemon daemon = TestDaemon.start(dir.resolve("cni.sock"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())));
            assertEquals(umaskBefore, umask(), "the process's umask is back to what it was");
        }
    }

    @Test
    void aCallerOfAnotherUserIsRefused() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) runs the client as another user");
        // This test only: a directory and a socket the other user can reach at all, so that the daemon's own
        // check of the caller's credentials is what refuses it.
        Path dir = Files.createTempDirectory("tabby-cni-peer-");
        Logger daemonLog = Logger.getLogger(CniDaemon.class.getName());
        List<String> logged = new ArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (logged) {
                    logged.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        daemonLog.addHandler(recorder);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (TestDaemon daemon = TestDaemon.start(dir.resolve("cni.sock"))) {
                Files.setPosixFilePermissions(daemon.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
                CniRuntime.Call version = CniRuntime.Call.of("VERSION", null, null, VERSION_CONF);
                Map<String, String> env = Map.of(CniClient.SOCKET_VAR, daemon.socket().toString(), "PATH", System.getenv("PATH"));

                CniRuntime.Outcome asNobody = ChildJvm.client(List.of("setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups"), "tabby-cni", version, env);
                assertEquals(4, asNobody.code(), asNobody.toString());
                assertTrue(asNobody.msg().contains("serves only user root") && asNobody.msg().contains(daemon.socket().toString()),
                        asNobody.msg());
                synchronized (logged) {
                    assertTrue(logged.stream().anyMatch(l -> l.contains("event=cni_daemon_peer_refused")), logged.toString());
                }

                CniRuntime.Outcome asRoot = ChildJvm.client(List.of(), "tabby-cni", version, env);
                assertTrue(asRoot.ok(), "the daemon's own user is served: " + asRoot);
            }
        } finally {
            daemonLog.removeHandler(recorder);
            deleteTree(dir);
        }
    }

    @Test
    void aHungDaemonFailsTheCallWithTryAgainLaterWithinTheTimeout() throws Exception {
        TestNamespace node = netns.create();
        Path socket = ETCD.scratchDir("hung-" + CniFixture.hex(4)).resolve("cni.sock");
        try (ChildJvm.Daemon daemon = ChildJvm.Daemon.start(node, socket, Map.of("PATH", System.getenv("PATH")))) {
            // Stopped by its own PID; close() kills it with SIGKILL, which ends a stopped process too, so it never
            // resumes to serve the call.
            ChildJvm.run(List.of("kill", "-STOP", Long.toString(daemon.pid())), Map.of(), null).requireOk();
            // An ADD that would fail at its first check should the daemon ever serve it: its namespace does not exist.
            CniRuntime.Call add = CniRuntime.Call.of("ADD", CniFixture.containerId(), "/run/netns/tabby-t-never-made",
                    "{\"cniVersion\":\"1.0.0\",\"name\":\"k8s-pod-network\",\"type\":\"tabby\",\"ipam\":{\"type\":\"tabby-ipam\"}}");
            long start = System.nanoTime();
            CniRuntime.Outcome o = ChildJvm.client(List.of(), "tabby-cni", add,
                    Map.of(CniClient.SOCKET_VAR, socket.toString(), CniClient.TIMEOUT_VAR, "3", "PATH", System.getenv("PATH")));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("hung daemon: the client returned after " + ms + " ms: " + o);
            assertEquals(11, o.code(), o.toString());
            assertTrue(o.msg().contains(socket.toString()) && o.msg().contains("within 3 s")
                    && o.msg().contains(CniClient.TIMEOUT_VAR), o.msg());
            assertEquals(o.json().toString(), o.stdout().strip(), "stdout holds the spec's error JSON and nothing else");
            assertTrue(ms >= 3000, "the client waited its timeout: " + ms + " ms");
            assertTrue(ms < 30_000, "the client did not hang with the daemon: " + ms + " ms");
        }
    }

    @Test
    void theCommandLineSaysHowToUseItAndFailsInOneLine() throws Exception {
        List<String> daemon = List.of(ChildJvm.java(), "-XX:+UseSerialGC", "-cp", ChildJvm.daemonClasspath(),
                "dev.tabby.cni.daemon.CniDaemon");
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"));

        CniRuntime.Outcome help = ChildJvm.run(concat(daemon, "--help"), env, null);
        assertEquals(0, help.exitCode(), help.toString());
        assertTrue(help.stdout().contains("--socket PATH") && help.stdout().contains("TABBY_CNI_LOG_LEVEL"), help.stdout());

        CniRuntime.Outcome unknown = ChildJvm.run(concat(daemon, "--frob"), env, null);
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().contains("unknown option --frob"), unknown.stderr());

        Path dir = ETCD.scratchDir("taken-" + CniFixture.hex(4));
        try (TestDaemon running = TestDaemon.start(dir.resolve("cni.sock"))) {
            CniRuntime.Outcome taken = ChildJvm.run(concat(daemon, "--socket", running.socket().toString()), env, null);
            assertEquals(1, taken.exitCode(), taken.toString());
            assertEquals(1, lines(taken.stderr()), "one line: " + taken.stderr());
            assertTrue(taken.stderr().contains("already listens on " + running.socket()), taken.stderr());
        }

        Path file = Files.writeString(dir.resolve("not-a-directory"), "");
        CniRuntime.Outcome noDir = ChildJvm.run(concat(daemon, "--socket", file.resolve("cni.sock").toString()), env, null);
        assertEquals(1, noDir.exitCode(), noDir.toString());
        assertEquals(1, lines(noDir.stderr()), "one line: " + noDir.stderr());
        assertTrue(noDir.stderr().contains(file.toString()), noDir.stderr());
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    private static long lines(String s) {
        return s.lines().filter(l -> !l.isBlank()).count();
    }

    private static String umask() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:")).findFirst()
                .orElseThrow();
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
