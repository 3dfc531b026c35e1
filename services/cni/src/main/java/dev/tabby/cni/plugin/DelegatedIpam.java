package dev.tabby.cni.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.model.net.Cidr;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Another IPAM plugin (host-local, ...), run from CNI_PATH the way a runtime runs plugins: the same CNI_*
 * environment with the command set, the whole network configuration on stdin. Calico delegates the same way. The
 * plugin gets the call's CNI_* variables and PATH only, and a deadline: past it, it is killed.
 */
final class DelegatedIpam implements AddressSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Duration timeout;
    private final Map<String, String> processEnv;

    /**
     * @param timeout    how long one call of the plugin may take; then it is killed
     * @param processEnv this process's environment: only its PATH is handed on
     */
    DelegatedIpam(Duration timeout, Map<String, String> processEnv) {
        this.timeout = timeout;
        this.processEnv = processEnv;
    }

    @Override
    public Lease acquire(Workload w, NetConf conf, CniEnv env, Supplier<PoolView> pools) {
        byte[] out = run("ADD", conf, env);
        CniResult result = CniResult.fromJson(out);
        if (result.ips().isEmpty()) {
            release(w, conf, env);
            throw new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + conf.ipam().type() + " returned no addresses");
        }
        List<Cidr> addresses = new ArrayList<>();
        // Calico routes each address as a host route, whatever subnet the IPAM plugin gave it.
        result.ips().forEach(ip -> addresses.add(new Cidr(ip.address().address(), ip.address().address().bitLength())));
        return new Lease(addresses, result.ips().stream().map(CniResult.IpConfig::address).toList(), true);
    }

    @Override
    public void release(Workload w, NetConf conf, CniEnv env) {
        run("DEL", conf, env);
    }

    private byte[] run(String command, NetConf conf, CniEnv env) {
        String type = conf.ipam().type();
        Path plugin = find(type, env);
        ProcessBuilder pb = new ProcessBuilder(plugin.toString());
        // Only what the CNI spec hands a plugin, and PATH: nothing else of the daemon's environment (etcd
        // credentials, TABBY_* settings) reaches a third-party plugin.
        Map<String, String> penv = pb.environment();
        penv.clear();
        String path = processEnv.get("PATH");
        penv.put("PATH", path == null || path.isBlank() ? DEFAULT_PATH : path);
        penv.put("CNI_COMMAND", command);
        penv.put("CNI_CONTAINERID", env.containerId());
        penv.put("CNI_IFNAME", env.ifName());
        penv.put("CNI_PATH", env.path());
        if (env.netns() != null) {
            penv.put("CNI_NETNS", env.netns());
        }
        StringBuilder args = new StringBuilder();
        env.args().forEach((k, v) -> args.append(args.length() == 0 ? "" : ";").append(k).append('=').append(v));
        if (args.length() > 0) {
            penv.put("CNI_ARGS", args.toString());
        }
        long timeoutMillis = timeout.toMillis();
        byte[] config;
        try {
            config = JSON.writeValueAsBytes(conf.raw());
        } catch (IOException e) {
            throw new CniError(CniError.INTERNAL, "cannot write the network configuration for IPAM plugin " + plugin + ": " + e);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CniError(CniError.IPAM_FAILURE, "cannot run IPAM plugin " + plugin + ": " + e.getMessage());
        }
        try {
            // stdin, stdout and stderr each on a thread of its own, so a plugin that hangs without reading its
            // configuration or while holding its output open still meets the deadline below.
            CompletableFuture<byte[]> stdout = drain(p.getInputStream(), plugin);
            CompletableFuture<byte[]> stderr = drain(p.getErrorStream(), plugin);
            feed(p.getOutputStream(), config, plugin);
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + plugin + " " + command + " did not finish within "
                        + timeout.toSeconds() + " s and was killed (pid " + p.pid() + "); check that plugin");
            }
            byte[] out = stdout.get(5, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw delegateError(plugin, command, out, stderr.getNow(new byte[0]), p.exitValue());
            }
            return out;
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new CniError(CniError.TRY_AGAIN_LATER, "interrupted while waiting for IPAM plugin " + plugin);
        } catch (ExecutionException | TimeoutException e) {
            // Exited, yet something it started still holds its stdout.
            kill(p);
            throw new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + plugin + " " + command
                    + " exited but its output did not end (a process it started still holds it): " + e);
        }
    }

    /** Kills the plugin and whatever it started, each by its own PID. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void feed(OutputStream stdin, byte[] config, Path plugin) {
        Thread t = new Thread(() -> {
            try (stdin) {
                stdin.write(config);
            } catch (IOException e) {
                // The plugin exited without reading its configuration: its exit code and output say why.
            }
        }, "tabby-cni-ipam-in-" + plugin.getFileName());
        t.setDaemon(true);
        t.start();
    }

    private static CompletableFuture<byte[]> drain(InputStream stream, Path plugin) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (stream) {
                f.complete(stream.readAllBytes());
            } catch (IOException e) {
                f.complete(new byte[0]);
            }
        }, "tabby-cni-ipam-" + plugin.getFileName());
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The delegate's own error, with its code, prefixed with who said it. */
    private static CniError delegateError(Path plugin, String command, byte[] stdout, byte[] stderr, int exit) {
        try {
            JsonNode e = JSON.readTree(stdout);
            if (e != null && e.has("code")) {
                String details = e.hasNonNull("details") ? e.get("details").asText() : null;
                return new CniError(e.get("code").asInt(CniError.IPAM_FAILURE),
                        "IPAM plugin " + plugin.getFileName() + " " + command + ": " + e.path("msg").asText(), details);
            }
        } catch (IOException notJson) {
            // fall through
        }
        String said = new String(stdout, StandardCharsets.UTF_8).strip();
        if (said.isEmpty()) {
            said = new String(stderr, StandardCharsets.UTF_8).strip();
        }
        return new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + plugin + " " + command + " exited with " + exit
                + ": " + said);
    }

    private static Path find(String type, CniEnv env) {
        if (type.contains("/")) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam.type \"" + type + "\" must be a plugin name, not a path");
        }
        if (env.path() == null) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_PATH is not set, so IPAM plugin " + type + " cannot be found");
        }
        for (String dir : env.path().split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, type);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new CniError(CniError.INVALID_NETWORK_CONFIG, "IPAM plugin \"" + type + "\" is not in CNI_PATH (" + env.path()
                + "); install it there or use \"tabby-ipam\"");
    }
}
