package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.cni.client.Frames;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The native launcher (target/tabby-cni-launch, src/main/c) executed as a runtime executes a plugin, against a
 * stand-in daemon on a Unix socket that answers, stays silent, hangs up or garbles: what CniClient does, word for word
 * where it reports a failure, without a JVM. Without a daemon it must hand the call to the Java client.
 */
class NativeLauncherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROGRAM = Path.of("target/tabby-cni-launch").toAbsolutePath();
    private static final String CONF = "{\"cniVersion\":\"0.4.0\",\"name\":\"net\",\"type\":\"tabby\"}";

    private Path dir;
    private Path socket;
    private ServerSocketChannel server;
    private final List<SocketChannel> held = new ArrayList<>();
    /** Threads of its own: the stand-in and the readers block, which the common pool must not be asked to carry. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** What the stand-in daemon does with one connection. */
    interface Behaviour {
        void serve(SocketChannel c) throws Exception;
    }

    record Run(int exitCode, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return JSON.readTree(stdout);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Files.isExecutable(PROGRAM), PROGRAM + " is not built; the build compiles it at process-classes");
        // Short: a Unix socket path has at most 107 bytes.
        dir = Files.createTempDirectory("tabby-launch-");
        socket = dir.resolve("cni.sock");
        Files.copy(PROGRAM, dir.resolve("tabby-cni"));
        Files.createSymbolicLink(dir.resolve("tabby"), Path.of("tabby-cni"));
        Files.createSymbolicLink(dir.resolve("tabby-ipam"), Path.of("tabby-cni"));
    }

    @AfterEach
    void tearDown() throws IOException {
        threads.shutdownNow();
        for (SocketChannel c : held) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The stand-in daemon: serves {@code connections} connections, one after the other, in a thread of its own. */
    private CompletableFuture<Void> daemon(int connections, Behaviour behaviour) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < connections; i++) {
                try (SocketChannel c = server.accept()) {
                    behaviour.serve(c);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, threads);
    }

    private static Frames.Request read(SocketChannel c) throws IOException {
        return Frames.readRequest(new BufferedInputStream(Channels.newInputStream(c)));
    }

    private static void write(SocketChannel c, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static void reply(SocketChannel c, Frames.Reply r) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Frames.writeReply(buf, r);
        write(c, buf.toByteArray());
    }

    private Run run(String name, String stdin, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(dir.resolve(name).toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("CNI_") || k.startsWith("TABBY_"));
        pb.environment().put("TABBY_CNI_SOCKET", socket.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), threads);
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), threads);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not exit in 60 s");
        }
        return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** A CNI error as CniClient writes it: exit 1, the configuration's cniVersion, the code, msg (and details). */
    private static JsonNode assertCniError(Run r, int code) throws IOException {
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode j = r.json();
        assertEquals("0.4.0", j.path("cniVersion").asText(), r.toString());
        assertEquals(code, j.path("code").asInt(), r.toString());
        assertEquals(r.stdout().strip(), j.toString(), "stdout is the error and nothing else");
        return j;
    }

    @Test
    void handsTheCallToTheDaemonAndPassesItsReplyThrough() throws Exception {
        List<Frames.Request> got = new ArrayList<>();
        CompletableFuture<Void> d = daemon(3, c -> {
            Frames.Request r = read(c);
            got.add(r);
            reply(c, new Frames.Reply(3, ("out:" + r.plugin()).getBytes(StandardCharsets.UTF_8),
                    "err\n".getBytes(StandardCharsets.UTF_8)));
        });
        Map<String, String> env = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "TABBY_CNI_TIMEOUT", "30",
                "TABBY_X1", "a", "TABBY_X", "b", "NOT_FOR_THE_DAEMON", "x", "CNIX", "y");
        Run cni = run("tabby-cni", CONF, env);
        Run alias = run("tabby", CONF, env);
        Run ipam = run("tabby-ipam", CONF, env);
        d.get(10, TimeUnit.SECONDS);
        assertEquals(new Run(3, "out:tabby-cni", "err\n"), cni);
        assertEquals(new Run(3, "out:tabby-cni", "err\n"), alias, "tabby is tabby-cni's alias");
        assertEquals(new Run(3, "out:tabby-ipam", "err\n"), ipam);
        Frames.Request first = got.get(0);
        assertEquals(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "TABBY_CNI_TIMEOUT", "30",
                "TABBY_CNI_SOCKET", socket.toString(), "TABBY_X1", "a", "TABBY_X", "b"), first.env(),
                "only the CNI_* and TABBY_* variables");
        assertEquals(List.of("CNI_COMMAND", "CNI_CONTAINERID", "TABBY_CNI_SOCKET", "TABBY_CNI_TIMEOUT", "TABBY_X",
                "TABBY_X1"), List.copyOf(first.env().keySet()), "sorted by name, as CniClient's TreeMap sends them");
        assertArrayEquals(CONF.getBytes(StandardCharsets.UTF_8), first.stdin());
    }

    @Test
    void aLargeReplyComesThroughWhole() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        String conf = CONF.replace("}", ",\"pad\":\"" + "p".repeat(512 * 1024) + "\"}");
        AtomicReference<Frames.Request> got = new AtomicReference<>();
        CompletableFuture<Void> d = daemon(1, c -> {
            got.set(read(c));
            reply(c, new Frames.Reply(0, big, new byte[0]));
        });
        Run r = run("tabby-cni", conf, Map.of());
        d.get(10, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode());
        assertEquals(new String(big, StandardCharsets.US_ASCII), r.stdout());
        assertEquals(conf, new String(got.get().stdin(), StandardCharsets.UTF_8));
    }

    @Test
    void aBadTimeoutIsRefusedAsTheJavaClientRefusesIt() throws Exception {
        for (String bad : List.of("soon", "0", "-3", "99999999999")) {
            JsonNode e = assertCniError(run("tabby-cni", CONF, Map.of("TABBY_CNI_TIMEOUT", bad)), 4);
            assertEquals("TABBY_CNI_TIMEOUT=" + bad + " is not a number of seconds; set it to e.g. 120 or unset it",
                    e.path("msg").asText());
            assertFalse(e.has("details"));
        }
    }

    @Test
    void aDaemonThatNeverRepliesTimesOut() throws Exception {
        CompletableFuture<Void> d = daemon(1, c -> {
            read(c);
            // Holds the connection open past the launcher's time-out, then lets go.
            Thread.sleep(2000);
        });
        JsonNode e = assertCniError(run("tabby-cni", CONF, Map.of("TABBY_CNI_TIMEOUT", " 1 ")), 11);
        assertEquals("the Tabby CNI daemon at " + socket + " did not reply within 1 s (TABBY_CNI_TIMEOUT); it may be hung"
                + " or overloaded: check its log, restart it, or raise TABBY_CNI_TIMEOUT", e.path("msg").asText());
        d.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDaemonThatHangsUpIsNotRetriedInProcess() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Void> d = daemon(2, c -> {
            read(c);
            // Half a reply, then gone: the first time after the header, the second with nothing.
            if (calls.getAndIncrement() == 0) {
                write(c, new byte[] {0x54, 0x43, 0x4E, 0x49, 0, 0, 0, 0});
            }
        });
        String msg = "the Tabby CNI daemon at " + socket + " closed the connection before replying; check its log and retry";
        assertEquals(msg, assertCniError(run("tabby-cni", CONF, Map.of()), 11).path("msg").asText());
        assertEquals(msg, assertCniError(run("tabby-cni", CONF, Map.of()), 11).path("msg").asText());
        d.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aGarbledOrOversizedReplyIsRefused() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Void> d = daemon(3, c -> {
            read(c);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(b);
            switch (calls.getAndIncrement()) {
                case 0 -> o.writeBytes("HTTP/1.1 400 Bad Request\r\n");
                case 1 -> {
                    o.writeInt(0x54434E49);
                    o.writeInt(0);
                    o.writeInt(16 * 1024 * 1024 + 1); // stdout's length, beyond Frames' limit
                }
                default -> {
                    o.writeInt(0x54434E49);
                    o.writeInt(0);
                    o.writeInt(0);
                    o.writeInt(-2); // stderr's length
                }
            }
            write(c, b.toByteArray());
        });
        JsonNode garbled = assertCniError(run("tabby-cni", CONF, Map.of()), 11);
        assertEquals("not a Tabby CNI frame (magic 0x48545450)", garbled.path("details").asText());
        JsonNode huge = assertCniError(run("tabby-cni", CONF, Map.of()), 11);
        assertEquals("frame field of 16777217 bytes", huge.path("details").asText());
        JsonNode negative = assertCniError(run("tabby-cni", CONF, Map.of()), 11);
        assertEquals("frame field of -2 bytes", negative.path("details").asText());
        assertTrue(garbled.path("msg").asText().contains("closed the connection before replying"), garbled.toString());
        d.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDaemonThatDoesNotAcceptIsGivenFiveSeconds() throws Exception {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 1);
        // Fill its backlog (never accepted): the next connect waits, as on a hung daemon.
        for (int i = 0; i < 10; i++) {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            held.add(c);
            CompletableFuture<Boolean> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    return false;
                }
            }, threads);
            try {
                connected.get(300, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException full) {
                break;
            }
        }
        JsonNode e = assertCniError(run("tabby-cni", CONF, Map.of()), 11);
        assertEquals("the Tabby CNI daemon at " + socket + " did not accept the connection within 5 s; it may be hung or"
                + " overloaded: check its log, restart it, and retry", e.path("msg").asText());
    }

    @Test
    void withoutADaemonItRunsTheJavaClient() throws Exception {
        // The Java client in-process answers VERSION without a datastore; log_level debug makes it say where it ran,
        // which also shows it got stdin.
        String conf = CONF.replace("}", ",\"log_level\":\"debug\"}");
        Map<String, String> env = Map.of("CNI_COMMAND", "VERSION");
        Run noSidecar = run("tabby-ipam", conf, env);
        JsonNode e = assertCniError(noSidecar, 11);
        assertTrue(e.path("msg").asText().contains("cannot run the plugin in-process (" + dir.resolve("tabby-cni.fallback")),
                e.toString());

        Files.writeString(dir.resolve("tabby-cni.fallback"), String.join("\n", "# as cni_install writes it",
                "java " + ChildJvm.java(), "arg -XX:+UseSerialGC", "arg -Xshare:auto", "arg -cp",
                "arg " + ChildJvm.daemonClasspath(), "arg dev.tabby.cni.client.CniClient") + "\n");
        Run missing = run("tabby-ipam", conf, env);
        assertEquals(0, missing.exitCode(), missing.toString());
        assertTrue(missing.json().path("supportedVersions").toString().contains("1.0.0"), missing.toString());
        assertTrue(missing.stderr().contains("tabby-cni: no daemon at " + socket), missing.stderr());

        // A socket file nobody listens on (a daemon that died): refused, the same way.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        Run refused = run("tabby", conf, env);
        assertEquals(0, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("running in-process"), refused.stderr());
    }
}
