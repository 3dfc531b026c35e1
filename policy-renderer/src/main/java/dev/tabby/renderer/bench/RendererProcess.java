package dev.tabby.renderer.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * policy-renderer as a node runs it: its fast-jar, with the JVM options of its image (images/jvm/service.args),
 * as a process inside the node's network namespace, told only its node name and etcd. Its output goes to a log file
 * whose tail a failure shows. Stopped (SIGTERM, then SIGKILL after 10 s) on close, and by a shutdown hook should the
 * bench die first.
 */
final class RendererProcess implements AutoCloseable {
    static final int PORT = 9183;
    /** The flags every service JVM reads (issue 16), relative to the tree's root; the image has /opt/tabby/jvm/. */
    private static final String ARGS_FILE = "images/jvm/service.args";
    /** The AppCDS archive the build writes beside quarkus-run.jar, used as the image uses it. */
    private static final String APPCDS_ARCHIVE = "app-cds.jsa";

    private final Process process;
    private final Path log;
    private final Thread cleanup;

    private RendererProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.cleanup = new Thread(this::stop, "flows-bench-renderer-cleanup");
    }

    static RendererProcess start(String netns, String node, String etcdEndpoint, Path log) {
        Path jar = jar();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("policy-renderer is not built (" + jar + " is missing); run bin/tabby build");
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "java"));
        cmd.addAll(jvm(jar.getParent()));
        cmd.addAll(List.of("-jar", jar.toString()));
        // In the fast-jar's directory, as the image's WORKDIR: its AppCDS archive names quarkus-run.jar relative to it.
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(jar.getParent().toFile())
                .redirectOutput(log.toFile());
        // As the image's ENV: at most two malloc arenas (images/quarkus.Containerfile).
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.environment().put("TABBY_NODENAME", node);
        pb.environment().put("TABBY_ETCD_ENDPOINTS", etcdEndpoint);
        pb.environment().remove("TABBY_KAFKA_BOOTSTRAP"); // flow records to the SSE stream only, as on a node without Kafka
        try {
            RendererProcess r = new RendererProcess(pb.start(), log);
            Runtime.getRuntime().addShutdownHook(r.cleanup);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start policy-renderer: " + e.getMessage(), e);
        }
    }

    /** {@code @images/jvm/service.args} of this tree, and the fast-jar's AppCDS archive when it was built with one. */
    private static List<String> jvm(Path quarkusApp) {
        // target/quarkus-app -> target -> policy-renderer -> the tree's root
        Path args = quarkusApp.getParent().getParent().getParent().resolve(ARGS_FILE);
        if (!Files.isRegularFile(args)) {
            throw new IllegalStateException("no JVM argument file " + args + "; restore " + ARGS_FILE + " from git");
        }
        List<String> out = new ArrayList<>(List.of("@" + args));
        Path archive = quarkusApp.resolve(APPCDS_ARCHIVE);
        if (Files.isRegularFile(archive)) {
            out.add("-XX:SharedArchiveFile=" + archive);
        }
        return out;
    }

    /** target/quarkus-app/quarkus-run.jar of the module whose classes this is. */
    private static Path jar() {
        try {
            Path classes = Path.of(RendererProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().resolve("quarkus-app/quarkus-run.jar");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The renderer's pid: {@code ip netns exec} execs the command in its own place, so the process started is the JVM;
     * checked, since its CPU is what the bench reads.
     */
    long pid() {
        long pid = process.pid();
        try {
            String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
            if (!comm.equals("java")) {
                throw new IllegalStateException("process " + pid + " is " + comm + ", not the renderer's JVM");
            }
        } catch (IOException e) {
            throw new IllegalStateException("policy-renderer exited:\n" + tail(), e);
        }
        return pid;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the log's tail when it exits or takes too long. */
    void awaitReady(NodeHttp http, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("policy-renderer exited with " + process.exitValue() + ":\n" + tail());
            }
            NodeHttp.Response r = http.get("/q/health/ready");
            if (r != null && r.status() == 200) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("policy-renderer not ready after " + timeout.toSeconds() + " s:\n" + tail());
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last 30 lines of its log. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
