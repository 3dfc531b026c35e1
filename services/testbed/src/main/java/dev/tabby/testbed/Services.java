package dev.tabby.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts each node's Tabby services as processes of their own (detached with setsid, so they outlive
 * {@code bin/tabby up}), each told which node it is and which network namespace is that node's.
 */
final class Services {
    static final String VXLAN = "vxlan-manager";
    static final String PROBE = "requirements-probe";
    static final String CNI = "cni-daemon";
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path root;
    private final Layout layout;
    private final State state;
    private final String etcdEndpoints;

    Services(Path root, Layout layout, State state, String etcdEndpoints) {
        this.root = root;
        this.layout = layout;
        this.state = state;
        this.etcdEndpoints = etcdEndpoints;
    }

    static Path cniSocket(Layout layout, String node) {
        return layout.nodeDir(node).resolve("cni.sock");
    }

    void startNode(int i) {
        for (String service : List.of(VXLAN, PROBE, CNI)) {
            startService(i, service);
        }
    }

    /** Starts one of node {@code i}'s services, each told its node, its namespace and its port. */
    void startService(int i, String service) {
        String node = Layout.nodeName(i);
        String netns = Layout.netnsPath(layout.nodeNamespace(node)).toString();
        Map<String, String> common = Map.of("TABBY_NODENAME", node, "TABBY_ETCD_ENDPOINTS", etcdEndpoints);
        switch (service) {
            case VXLAN -> start(node, VXLAN, layout.vxlanPort(i), quarkusApp(VXLAN), merge(common, Map.of(
                    "QUARKUS_HTTP_PORT", Integer.toString(layout.vxlanPort(i)), "TABBY_VXLAN_NETNS", netns)));
            case PROBE -> start(node, PROBE, layout.probePort(i), quarkusApp(PROBE), merge(common, Map.of(
                    "QUARKUS_HTTP_PORT", Integer.toString(layout.probePort(i)), "TABBY_PROBE_MODES", "vxlan")));
            case CNI -> start(node, CNI, 0, List.of("-cp", classpath("services/cni"), "dev.tabby.cni.daemon.CniDaemon",
                    cniSocket(layout, node).toString()), merge(common, Map.of("TABBY_CNI_HOST_NETNS", netns)));
            default -> throw new IllegalArgumentException("no service \"" + service + "\"; one of " + VXLAN + ", " + PROBE + ", " + CNI);
        }
    }

    private List<String> quarkusApp(String module) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(module + " is not built (" + jar + " is missing); run bin/tabby build");
        }
        return List.of("-jar", jar.toString());
    }

    private String classpath(String module) {
        Path m = root.resolve(module);
        return m.resolve("target/classes") + File.pathSeparator + m.resolve("target/lib") + "/*";
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>(a);
        out.putAll(b);
        return out;
    }

    private void start(String node, String service, int port, List<String> args, Map<String, String> env) {
        Path dir = layout.nodeDir(node);
        Path log = dir.resolve(service + ".log");
        List<String> cmd = new ArrayList<>(List.of("setsid", "java"));
        cmd.addAll(JVM);
        cmd.addAll(args);
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            State.ServiceProcess sp = new State.ServiceProcess();
            sp.node = node;
            sp.service = service;
            sp.pid = p.pid();
            sp.port = port;
            sp.log = log.toString();
            state.processes.add(sp);
            state.save(layout.varDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service + " for " + node, e);
        }
    }

    /** "ready", or why not: the service's own readiness answer. */
    static String readiness(State.ServiceProcess p) {
        if (!ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false)) {
            return "not running (see " + p.log + ")";
        }
        if (p.port == 0) {
            return "running";
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "ready" : "not ready";
        } catch (IOException e) {
            return "starting";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** The body of a service's GET, or null. */
    static String get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Ends a service by its own PID: TERM, then KILL after 10 s. */
    static void stop(State.ServiceProcess p) {
        ProcessHandle.of(p.pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }
}
