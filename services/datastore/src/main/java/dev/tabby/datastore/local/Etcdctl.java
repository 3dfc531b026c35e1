package dev.tabby.datastore.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.KvEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code etcdctl} against a {@link LocalEtcd}: the independent witness tests
 * compare our client's view with, and the tool to compact. Credentials travel in the
 * environment (ETCDCTL_USER), not on the command line where {@code ps} would show them.
 */
public final class Etcdctl {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;
    private final URI endpoint;
    private final Optional<EtcdTlsFiles> tls;
    private final Optional<String> userAndPassword;

    Etcdctl(Path binary, URI endpoint, Optional<EtcdTlsFiles> tls, Optional<String> userAndPassword) {
        this.binary = binary;
        this.endpoint = endpoint;
        this.tls = tls;
        this.userAndPassword = userAndPassword;
    }

    /** The same etcdctl, authenticating as {@code user}. */
    public Etcdctl as(String user, String password) {
        return new Etcdctl(binary, endpoint, tls, Optional.of(user + ":" + password));
    }

    /** Outcome of one etcdctl run: exit status and combined stdout+stderr. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs etcdctl with our endpoint/TLS flags plus {@code args}; fails unless it exits 0. */
    public String run(String... args) {
        Result result = tryRun(DEFAULT_TIMEOUT, args);
        if (!result.ok()) {
            throw new IllegalStateException("etcdctl " + String.join(" ", args) + " exited " + result.exitCode() + ": "
                    + result.output().replaceAll("\\s+", " ").trim());
        }
        return result.output();
    }

    public Result tryRun(Duration timeout, String... args) {
        Process p;
        try {
            p = processBuilder(args).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(p.getInputStream(), out), "etcdctl-output-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "etcdctl timed out after " + timeout.toMillis() + " ms");
            }
            pump.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    /**
     * A process builder for etcdctl with our flags, for long-running commands such as
     * {@code watch} whose output the caller reads itself. The caller owns the process.
     */
    public ProcessBuilder processBuilder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--endpoints=" + endpoint);
        command.add("--dial-timeout=2s");
        command.add("--command-timeout=20s");
        tls.ifPresent(t -> {
            command.add("--cacert=" + t.ca());
            t.clientCert().ifPresent(c -> command.add("--cert=" + c));
            t.clientKey().ifPresent(k -> command.add("--key=" + k));
        });
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("ETCDCTL_API", "3");
        env.remove("ETCDCTL_USER");
        userAndPassword.ifPresent(u -> env.put("ETCDCTL_USER", u));
        return pb;
    }

    /** {@code etcdctl compact REV}: discards history before {@code revision}. */
    public void compact(long revision) {
        run("compact", Long.toString(revision));
    }

    /** {@code etcdctl get --prefix PREFIX -w json}, decoded: key to entry, in key order. */
    public SortedMap<String, KvEntry> getPrefix(String prefix) {
        String json = run("get", "--prefix", prefix, "-w", "json");
        SortedMap<String, KvEntry> result = new TreeMap<>();
        try {
            JsonNode kvs = JSON.readTree(json).path("kvs");
            for (JsonNode kv : kvs) {
                String key = new String(decode(kv.path("key")), StandardCharsets.UTF_8);
                result.put(key, new KvEntry(key, decode(kv.path("value")), kv.path("create_revision").asLong(),
                        kv.path("mod_revision").asLong()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse etcdctl get output: " + e.getMessage(), e);
        }
        return result;
    }

    /** The latest revision, from {@code etcdctl endpoint status -w json}. */
    public long currentRevision() {
        String json = run("endpoint", "status", "-w", "json");
        try {
            return JSON.readTree(json).path(0).path("Status").path("header").path("revision").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse etcdctl endpoint status output: " + e.getMessage(), e);
        }
    }

    private static byte[] decode(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? new byte[0] : Base64.getDecoder().decode(node.asText());
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // Process ended; whatever we got is the output.
        }
    }
}
