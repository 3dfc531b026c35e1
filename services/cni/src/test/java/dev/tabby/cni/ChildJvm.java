package dev.tabby.cni;

import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Tabby's CNI programs as processes of their own, as a node runs them: the daemon, and the launcher's client. */
final class ChildJvm {
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    private ChildJvm() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The daemon's classpath, as scripts/cni.sh builds it. */
    static String daemonClasspath() {
        return TARGET.resolve("classes") + ":" + TARGET.resolve("lib") + "/*";
    }

    /** The launcher client's jar alone: what the client needs, readable by any user. */
    static String clientJar() {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> p.getFileName().toString().matches("tabby-cni-.*-client\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no client jar in " + TARGET + "; the build makes it at process-classes"))
                    .toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A CniDaemon JVM inside {@code node}'s namespace, as the node runs it; {@link #close} kills it by its PID. */
    static final class Daemon implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Daemon(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Daemon start(TestNamespace node, Path socket, Map<String, String> env) throws IOException, InterruptedException {
            Path log = socket.resolveSibling("daemon-" + System.nanoTime() + ".log");
            // ip netns exec enters the namespace and execs java in its own place: the process is the JVM.
            ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", node.name(), java(), "-XX:+UseSerialGC",
                    "-Xmx128m", "-cp", daemonClasspath(), "dev.tabby.cni.daemon.CniDaemon", "--socket", socket.toString());
            pb.environment().keySet().removeIf(k -> k.startsWith("TABBY_") || k.startsWith("CNI_"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Daemon d = new Daemon(pb.start(), log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(socket)) {
                if (!d.process.isAlive() || System.nanoTime() > deadline) {
                    d.close();
                    throw new AssertionError("the CNI daemon did not start: " + d.log());
                }
                Thread.sleep(20);
            }
            String cmdline = Files.readString(Path.of("/proc", Long.toString(d.pid()), "cmdline")).replace('\0', ' ');
            if (!cmdline.contains("dev.tabby.cni.daemon.CniDaemon")) {
                d.close();
                throw new AssertionError("process " + d.pid() + " is not the daemon's JVM: " + cmdline);
            }
            return d;
        }

        long pid() {
            return process.pid();
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        /** SIGKILL by its own PID (it ends even when stopped), then reaped. */
        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The launcher's client ({@code CniClient PLUGIN}) as a runtime executes it, behind {@code prefix} (e.g.
     * setpriv), with {@code env} and the call's CNI_* variables; stdin is the call's configuration.
     */
    static CniRuntime.Outcome client(List<String> prefix, String plugin, CniRuntime.Call call, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", clientJar(),
                "dev.tabby.cni.client.CniClient", plugin));
        return run(cmd, env, call);
    }

    static CniRuntime.Outcome run(List<String> cmd, Map<String, String> env, CniRuntime.Call call) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("TABBY_") || k.startsWith("CNI_"));
        pb.environment().putAll(env);
        if (call != null) {
            pb.environment().putAll(call.env());
        }
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (call != null) {
                    in.write(call.config().getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not exit in 120 s");
            }
            return new CniRuntime.Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot run " + cmd, e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** True once {@code pid} no longer runs (gone, or a zombie waiting for its reaper). */
    static boolean ended(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return true;
        }
    }

    /** Waits (up to 10 s) for {@code pid} to end; returns whether it did. */
    static boolean awaitEnd(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ended(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
