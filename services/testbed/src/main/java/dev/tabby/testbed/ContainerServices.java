package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.testbed.containers.ImageTag;
import dev.tabby.testbed.containers.ServiceDeclarations;
import dev.tabby.testbed.containers.ServiceDeclarations.Declaration;
import dev.tabby.testbed.containers.ServiceDeclarations.HostPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/tabby up --runtime podman}: each node service as a container of the image {@code bin/tabby images} built,
 * joined to its node's network namespace, with exactly the capabilities, host paths and environment
 * charts/tabby/services.yaml declares (what the chart renders for Kubernetes). A node's /run/tabby, /var/lib/tabby,
 * /opt/cni/bin and /etc/cni/net.d are the node's own directories, as the node's hostPaths would be; other host paths
 * (/lib/modules, /run/netns, /run/xtables.lock) are this host's, which the nodes share.
 *
 * <p>runc, not crun (crun fails on this machine's cgroup set-up); podman here cannot raise rlimits, so they are set to
 * what it allows. A container that exits, however it exits, is restarted by podman (restart policy always), as the
 * kubelet restarts a DaemonSet pod's container (restartPolicy Always); podman rm -f and podman restart end it on purpose.
 */
final class ContainerServices {
    static final String RUNTIME = "podman";
    /** Every testbed container carries it, with the testbed's prefix as the value: down removes by it. */
    static final String LABEL = "dev.tabby.testbed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PODMAN = List.of("podman", "--runtime", "runc");
    private static final List<String> LIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");

    private final Path root;
    private final Layout layout;
    private final ServiceDeclarations declarations;
    private final String tag;

    ContainerServices(Path root, Layout layout) {
        this.root = root;
        this.layout = layout;
        this.declarations = ServiceDeclarations.load(root);
        this.tag = ImageTag.of(root);
    }

    /** Fails with the remedy unless every image the node services need exists. */
    void requireImages(List<String> services) {
        List<String> missing = new ArrayList<>();
        for (String service : services) {
            String image = image(declarations.of(service));
            if (!Shell.run("podman", "image", "exists", image).ok()) {
                missing.add(image);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no image " + String.join(", ", missing) + " here; build them with bin/tabby images");
        }
    }

    /** The CNI plugins and conflist put into the node's /opt/cni/bin and /etc/cni/net.d by the cni image's installer. */
    void installCni(String node, Map<String, String> vars) {
        Shell.Result r = runToCompletion("install-cni", node, vars, List.of());
        if (!r.ok()) {
            throw new IllegalStateException("the CNI installer (" + image(declarations.of("install-cni")) + " install) failed on "
                    + node + ": " + Workloads.firstLine(r));
        }
    }

    /**
     * An init container's work on {@code node}, as the chart's pod runs it before its services: the declared image,
     * arguments, capabilities, mounts and environment, plus {@code extraArgs}; removed when it ends.
     */
    Shell.Result runToCompletion(String service, String node, Map<String, String> vars, List<String> extraArgs) {
        List<String> cmd = podmanRun(node, declarations.of(service), vars, List.of("--rm"));
        cmd.addAll(extraArgs);
        return Shell.run(cmd, null, 120);
    }

    /** {@code podman run} of the declared container on the node: its confinement, mounts, environment, image and args. */
    private List<String> podmanRun(String node, Declaration d, Map<String, String> vars, List<String> runOptions) {
        List<String> cmd = new ArrayList<>(PODMAN);
        cmd.add("run");
        cmd.addAll(runOptions);
        cmd.addAll(List.of("--network", "ns:" + Layout.netnsPath(layout.nodeNamespace(node))));
        cmd.addAll(LIMITS);
        cmd.addAll(securityOptions(d));
        cmd.addAll(mounts(node, d));
        cmd.addAll(environment(d, vars));
        cmd.add(image(d));
        cmd.addAll(d.args());
        return cmd;
    }

    /** Starts {@code service} of {@code node} as a detached container; its log goes to the node's directory. */
    State.ServiceProcess start(String node, String service, Map<String, String> vars) {
        Declaration d = declarations.of(service);
        String name = containerName(layout, node, service);
        Path log = layout.nodeDir(node).resolve(service + ".log");
        Shell.run(List.of("podman", "rm", "-f", "--ignore", name), null, 60);
        List<String> cmd = podmanRun(node, d, vars, List.of("-d", "--name", name, "--label", LABEL + "=" + layout.prefix(),
                "--restart", "always", "--log-driver", "k8s-file", "--log-opt", "path=" + log));
        Shell.Result r = Shell.run(cmd, null, 120);
        if (!r.ok()) {
            throw new IllegalStateException("podman could not start " + name + ": " + Workloads.firstLine(r));
        }
        State.ServiceProcess p = new State.ServiceProcess();
        p.node = node;
        p.service = service;
        p.container = name;
        p.pid = mainPid(name);
        p.port = d.httpPort();
        p.log = log.toString();
        return p;
    }

    /** Capabilities from nothing, plus the declared ones; the rest of the container's confinement as podman's default. */
    private static List<String> securityOptions(Declaration d) {
        List<String> out = new ArrayList<>(List.of("--cap-drop", "all"));
        d.capabilities().forEach(c -> out.addAll(List.of("--cap-add", c)));
        if (d.procSysWritable()) {
            out.addAll(List.of("--security-opt", "unmask=/proc/sys"));
        }
        if (d.hostPid()) {
            out.addAll(List.of("--pid", "host"));
        }
        return out;
    }

    private List<String> mounts(String node, Declaration d) {
        List<String> out = new ArrayList<>();
        for (HostPath h : d.hostPaths()) {
            Path source = hostSource(node, h);
            if (h.type().isEmpty() && !Files.exists(source)) {
                continue;
            }
            prepare(source, h);
            String options = (h.readOnly() ? "ro" : "rw") + (h.propagation().equals("HostToContainer") ? ",rslave" : "");
            out.addAll(List.of("-v", source + ":" + h.mountPath() + ":" + options));
        }
        return out;
    }

    /** A node's own paths live under its directory; the rest are this host's. */
    private Path hostSource(String node, HostPath h) {
        Path nodeDir = layout.nodeDir(node);
        return switch (h.path()) {
            case "/run/tabby" -> nodeDir.resolve("run");
            case "/var/lib/tabby" -> nodeDir.resolve("lib");
            case "/opt/cni/bin" -> nodeDir.resolve("cni-bin");
            case "/etc/cni/net.d" -> nodeDir.resolve("cni-conf");
            default -> Path.of(h.path());
        };
    }

    private static void prepare(Path source, HostPath h) {
        try {
            if (h.type().equals("DirectoryOrCreate")) {
                Files.createDirectories(source);
            } else if (h.type().equals("FileOrCreate") && !Files.exists(source)) {
                Files.createDirectories(source.getParent());
                Files.createFile(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + source + " for " + h.name(), e);
        }
    }

    private static List<String> environment(Declaration d, Map<String, String> vars) {
        List<String> out = new ArrayList<>();
        for (ServiceDeclarations.Env e : d.env()) {
            String value = e.value();
            for (Map.Entry<String, String> v : vars.entrySet()) {
                value = value.replace("${" + v.getKey() + "}", v.getValue());
            }
            if (value.contains("${")) {
                throw new IllegalStateException(ServiceDeclarations.FILE + ": " + d.service() + " env " + e.name() + " = "
                        + e.value() + " names a variable the testbed does not fill; it fills " + vars.keySet());
            }
            out.addAll(List.of("-e", e.name() + "=" + value));
        }
        // As the chart does when its value kafka.bootstrap is set: every container is told where the event bus is.
        String kafka = vars.get(Services.KAFKA_VARIABLE);
        if (kafka != null && !kafka.isEmpty()) {
            out.addAll(List.of("-e", "TABBY_KAFKA_BOOTSTRAP=" + kafka));
        }
        return out;
    }

    private String image(Declaration d) {
        return d.image() + ":" + tag;
    }

    static String containerName(Layout layout, String node, String service) {
        return layout.prefix() + node + "-" + service;
    }

    /** The container's main process as this host sees it, or 0 while it is not running. */
    static long mainPid(String container) {
        Shell.Result r = Shell.run("podman", "inspect", "--format", "{{.State.Pid}}", container);
        try {
            return r.ok() ? Long.parseLong(r.out().strip()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Each testbed container of {@code prefix} with its state (running, exited, ...) and podman's restart count. */
    static Map<String, ContainerState> states(String prefix) {
        Map<String, ContainerState> out = new HashMap<>();
        Shell.Result names = Shell.run("podman", "ps", "-a", "--filter", "label=" + LABEL + "=" + prefix, "--format", "{{.Names}}");
        List<String> cmd = new ArrayList<>(List.of("podman", "inspect", "--format", "json"));
        names.out().lines().filter(l -> !l.isBlank()).forEach(cmd::add);
        if (!names.ok() || cmd.size() == 4) {
            return out;
        }
        Shell.Result r = Shell.run(cmd, null, 60);
        try {
            for (JsonNode c : JSON.readTree(r.out())) {
                JsonNode st = c.path("State");
                out.put(c.path("Name").asText(), new ContainerState(st.path("Status").asText(), st.path("Pid").asLong(),
                        c.path("RestartCount").asInt()));
            }
        } catch (IOException e) {
            // A container removed between the two calls makes inspect fail: the ones it printed are still right.
            if (r.out().isBlank()) {
                return out;
            }
            throw new IllegalStateException("podman inspect printed no JSON: " + e.getMessage(), e);
        }
        return out;
    }

    record ContainerState(String state, long pid, int restarts) {
        boolean running() {
            return state.equals("running");
        }
    }

    /** Stops and removes the container (SIGTERM, SIGKILL after 10 s): its restart policy no longer applies. */
    static void remove(State.ServiceProcess p) {
        Shell.run(List.of("podman", "rm", "-f", "-t", "10", "--ignore", p.container), null, 60);
    }

    /** Every container labelled with {@code prefix} that is still there (down checks that none is). */
    static List<String> leftOver(String prefix) {
        return List.copyOf(states(prefix).keySet());
    }
}
