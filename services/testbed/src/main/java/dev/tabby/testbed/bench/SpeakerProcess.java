package dev.tabby.testbed.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.testbed.ServiceJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Tabby's bgp-speaker in standalone mode, one process inside a network namespace, started exactly as
 * {@code bin/tabby bgp run} starts it ({@code ip netns exec NS java @images/jvm/service.args [its AppCDS archive]
 * -Dtabby.bgp.config-file=F -Dtabby.bgp.node=N -Dquarkus.http.port=9180 -jar bgp-speaker/target/quarkus-app/quarkus-run.jar},
 * in the fast-jar's directory); ip netns exec
 * execs java in place, so the process held here is the speaker and it is ended by its own PID. Its HTTP surfaces are
 * reached on the namespace's loopback.
 */
public final class SpeakerProcess implements AutoCloseable {
    public static final int HTTP_PORT = 9180;
    private static final Logger LOG = Logger.getLogger(SpeakerProcess.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(20);
    private static final String JAR = "bgp-speaker/target/quarkus-app/quarkus-run.jar";

    private final String netns;
    private final Path configFile;
    private final Path log;
    private final Process process;
    private final NamespaceClient http;
    private final Thread reaper;

    private SpeakerProcess(String netns, Path configFile, Path log, Process process, NamespaceClient http) {
        this.netns = netns;
        this.configFile = configFile;
        this.log = log;
        this.process = process;
        this.http = http;
        // A JVM that exits without close (a test run cut short) still ends the speaker it started.
        this.reaper = new Thread(process::destroyForcibly, "tabby-speaker-reaper-" + process.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Writes {@code config} to {@code workDir}/tabby.yaml, starts the speaker in {@code netns} (log in
     * {@code workDir}/tabby.log) and returns once it answers {@code GET /v1/peers}; a speaker that exits or does not
     * answer within 60 s is stopped and the exception quotes its log.
     */
    public static SpeakerProcess start(String netns, SpeakerConfig config, Path workDir, List<String> jvmOptions) {
        Path jar = jar();
        Path file = workDir.resolve("tabby.yaml");
        Path log = workDir.resolve("tabby.log");
        Process p;
        try {
            Files.createDirectories(workDir);
            Files.writeString(file, config.yaml(), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "java"));
            // The tree's root: bgp-speaker/target/quarkus-app/quarkus-run.jar is under it.
            Path app = jar.getParent();
            cmd.addAll(ServiceJvm.quarkusFlags(app.getParent().getParent().getParent(), app));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-Dtabby.bgp.config-file=" + file, "-Dtabby.bgp.node=" + config.node(),
                    "-Dquarkus.http.port=" + HTTP_PORT, "-jar", jar.toString()));
            // In the fast-jar's directory, where its AppCDS archive applies (ServiceJvm).
            p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(app.toFile()).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start bgp-speaker in " + netns + ": " + e.getMessage(), e);
        }
        SpeakerProcess s = new SpeakerProcess(netns, file, log, p, NamespaceClient.open(netns, HTTP_PORT, HTTP_TIMEOUT));
        LOG.info(() -> "event=speaker_started netns=" + netns + " pid=" + p.pid() + " log=" + log);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                s.close();
                throw new IllegalStateException("bgp-speaker exited with status " + p.exitValue() + " while starting in "
                        + netns + "; last lines of " + log + ": " + s.tail(15));
            }
            try {
                if (s.http.get("/v1/peers").ok()) {
                    return s;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                s.close();
                throw new IllegalStateException("bgp-speaker did not answer GET /v1/peers within "
                        + READY_TIMEOUT.toSeconds() + " s in " + netns + "; last lines of " + log + ": " + s.tail(15));
            }
            sleep(200);
        }
    }

    /** The built speaker, found from the working directory up (Maven runs a module's code in the module). */
    static Path jar() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path jar = d.resolve(JAR);
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException(JAR + " is not built (looked up from " + dir + "): run cd /work/main && "
                + "mvn -B -o -q -pl bgp-speaker install -DskipTests, or bin/tabby build");
    }

    public long pid() {
        return process.pid();
    }

    public String netns() {
        return netns;
    }

    public Path configFile() {
        return configFile;
    }

    /** {@code method path} with a text/plain body (null for none); an exception unless the answer is 2xx. */
    public String call(String method, String path, String body) {
        NamespaceClient.Response r = http.send(method, path, body);
        if (!r.ok()) {
            throw new IllegalStateException(method + " " + path + " in " + netns + " answered " + r.status() + ": "
                    + r.body().strip());
        }
        return r.body();
    }

    public JsonNode json(String path) {
        try {
            return JSON.readTree(call("GET", path, null));
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " in " + netns + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** {@code GET /v1/routes/count?afi=}: the prefixes with a best route. */
    public int routeCount(String afi) {
        return json("/v1/routes/count?afi=" + afi).path("count").asInt();
    }

    /** Originates (POST) these prefixes of {@code afi}. */
    public void originate(String afi, List<String> prefixes) {
        call("POST", "/v1/routes?afi=" + afi, String.join("\n", prefixes) + "\n");
    }

    /** Withdraws (DELETE) these originated prefixes of {@code afi}. */
    public void withdraw(String afi, List<String> prefixes) {
        call("DELETE", "/v1/routes?afi=" + afi, String.join("\n", prefixes) + "\n");
    }

    /** The log's last {@code lines} lines, on one line for an exception message. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM to the speaker's PID, SIGKILL after 10 s; idempotent. Its kernel routes stay, as on a node. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warning(() -> "event=speaker_kill pid=" + process.pid() + " reason=still_running_after_sigterm");
                    process.destroyForcibly();
                    process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
                LOG.info(() -> "event=speaker_stopped netns=" + netns + " pid=" + process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            http.close();
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs anyway
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
