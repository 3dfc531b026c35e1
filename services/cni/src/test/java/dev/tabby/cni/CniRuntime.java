package dev.tabby.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.cni.client.CniClient;
import dev.tabby.cni.client.Frames;
import dev.tabby.cni.plugin.PluginHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A container runtime in miniature: it calls a CNI plugin the way containerd or CRI-O does, with the CNI_* environment
 * and the network configuration on stdin, and reads stdout and the exit code. Three ways to reach the plugin:
 * executing a launcher (exactly what a runtime does), through the daemon's socket (the launcher's client code without
 * the JVM start), or the handler directly.
 */
final class CniRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call: command, container, namespace, interface, CNI_ARGS and the configuration. */
    record Call(String command, String containerId, String netns, String ifName, String args, String config,
                Map<String, String> extraEnv) {

        static Call of(String command, String containerId, String netns, String config) {
            return new Call(command, containerId, netns, "eth0", null, config, Map.of());
        }

        Call withArgs(String a) {
            return new Call(command, containerId, netns, ifName, a, config, extraEnv);
        }

        Call withPod(String namespace, String pod) {
            return withArgs("IgnoreUnknown=1;K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + pod
                    + ";K8S_POD_INFRA_CONTAINER_ID=" + containerId);
        }

        Call withCommand(String c) {
            return new Call(c, containerId, netns, ifName, args, config, extraEnv);
        }

        Call withConfig(String c) {
            return new Call(command, containerId, netns, ifName, args, c, extraEnv);
        }

        Call withIfName(String i) {
            return new Call(command, containerId, netns, i, args, config, extraEnv);
        }

        Call withEnv(String key, String value) {
            Map<String, String> e = new LinkedHashMap<>(extraEnv);
            e.put(key, value);
            return new Call(command, containerId, netns, ifName, args, config, e);
        }

        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CNI_COMMAND", command);
            if (containerId != null) {
                env.put("CNI_CONTAINERID", containerId);
            }
            if (netns != null) {
                env.put("CNI_NETNS", netns);
            }
            if (ifName != null) {
                env.put("CNI_IFNAME", ifName);
            }
            if (args != null) {
                env.put("CNI_ARGS", args);
            }
            env.put("CNI_PATH", "/opt/cni/bin");
            env.putAll(extraEnv);
            return env;
        }

        Frames.Request request(String plugin) {
            return new Frames.Request(plugin, env(), config.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What the plugin said. */
    record Outcome(int exitCode, String stdout, String stderr) {
        JsonNode json() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("plugin stdout is not JSON: " + stdout + " (stderr: " + stderr + ")", e);
            }
        }

        boolean ok() {
            return exitCode == 0;
        }

        /** The spec error's code; fails when the call succeeded. */
        int code() {
            if (exitCode == 0) {
                throw new AssertionError("expected a CNI error, got success: " + stdout);
            }
            return json().path("code").asInt(-1);
        }

        String msg() {
            return json().path("msg").asText();
        }

        Outcome requireOk() {
            if (exitCode != 0) {
                throw new AssertionError("plugin failed (exit " + exitCode + "): " + stdout + " " + stderr);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + stdout.strip() + (stderr.isBlank() ? "" : " [stderr " + stderr.strip() + "]");
        }
    }

    interface Transport {
        Outcome call(String plugin, Call c);
    }

    /** Through the daemon's socket with the launcher's own client code. */
    static Transport daemon(Path socket) {
        return (plugin, c) -> outcome(CniClient.call(socket, c.request(plugin)));
    }

    /** The handler itself, in this JVM. */
    static Transport direct(PluginHandler handler) {
        return (plugin, c) -> outcome(handler.handle(c.request(plugin)));
    }

    /** Executes a launcher from {@code binDir}, as a runtime does: a fresh process per call. */
    static Transport launcher(Path binDir, Map<String, String> baseEnv) {
        return (plugin, c) -> {
            ProcessBuilder pb = new ProcessBuilder(binDir.resolve(plugin).toString());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("CNI_") || k.startsWith("TABBY_"));
            env.putAll(baseEnv);
            env.putAll(c.env());
            try {
                Process p = pb.start();
                CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
                try (OutputStream in = p.getOutputStream()) {
                    in.write(c.config().getBytes(StandardCharsets.UTF_8));
                }
                byte[] out = readAll(p.getInputStream());
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("launcher " + plugin + " did not exit in 120 s");
                }
                return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                        new String(err.join(), StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("cannot run launcher " + plugin, e);
            }
        };
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static Outcome outcome(Frames.Reply r) {
        return new Outcome(r.exitCode(), r.stdoutText(), r.stderrText());
    }

    private CniRuntime() {
    }
}
