package dev.tabby.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts each node's Tabby services the way a node runs them: inside the node's network namespace (with the node's
 * own /run/tabby and /var/lib/tabby, {@link OnNode}), on their default code path and standard ports, reaching etcd
 * over the network. Each is a process of its own, detached with setsid so it outlives {@code bin/tabby up}.
 */
final class Services {
    static final String VXLAN = "vxlan-manager";
    static final String PROBE = "requirements-probe";
    static final String POLICY = "policy-renderer";
    static final String CNI = "cni-daemon";
    static final String BGP = "bgp-speaker";
    static final String IPIP = "ipip-manager";
    static final String FORWARDER = "etcd-forwarder";
    static final List<String> NODE_SERVICES = List.of(VXLAN, POLICY, PROBE, CNI);
    /**
     * BGP mode adds the speaker. vxlan-manager stays: with no VXLAN pool it makes no tunnel, but it is Felix's part
     * that publishes the workload MTU (/var/lib/tabby/mtu) tabby-cni gives workloads.
     */
    static final List<String> BGP_NODE_SERVICES = List.of(VXLAN, POLICY, PROBE, CNI, BGP);
    /** IP-in-IP mode adds ipip-manager, which routes the pool while no bgp-speaker claims the routes. */
    static final List<String> IPIP_NODE_SERVICES = List.of(VXLAN, POLICY, PROBE, CNI, IPIP);

    private final Path root;
    private final Layout layout;
    private final State state;

    /** Under --runtime podman, how containers are started; null for plain processes. */
    private final ContainerServices containers;

    Services(Path root, Layout layout, State state) {
        this.root = root;
        this.layout = layout;
        this.state = state;
        this.containers = ContainerServices.RUNTIME.equals(state.runtime) ? new ContainerServices(root, layout) : null;
    }

    /** Under podman: fails with the remedy (bin/tabby images) before anything is made if an image is missing. */
    void requireImages() {
        if (containers != null) {
            List<String> needed = new ArrayList<>(nodeServices(layout));
            needed.add("install-cni");
            needed.add("node-register");
            containers.requireImages(needed);
        }
    }

    /** The services every node of {@code layout} runs. */
    static List<String> nodeServices(Layout layout) {
        return layout.bgp() ? BGP_NODE_SERVICES : layout.mode().ipip() ? IPIP_NODE_SERVICES : NODE_SERVICES;
    }

    void startNode(int i) {
        for (String service : nodeServices(layout)) {
            startService(i, service);
        }
    }

    /** Starts one of node {@code i}'s services, told only what a node's service is told: its node name and etcd. */
    void startService(int i, String service) {
        String node = Layout.nodeName(i);
        if (!nodeServices(layout).contains(service)) {
            throw new IllegalArgumentException("no service \"" + service + "\" in " + layout.mode().label + " mode; one of "
                    + String.join(", ", nodeServices(layout)));
        }
        State.ServiceProcess p = containers != null ? containers.start(node, service, containerVariables(node))
                : startProcess(node, service);
        state.processes.add(p);
        state.save(layout.varDir());
    }

    /** Before the node's services start under podman: the CNI plugins from the cni image, as the chart's init container. */
    void installCni(int i) {
        String node = Layout.nodeName(i);
        if (containers != null) {
            containers.installCni(node, containerVariables(node));
            return;
        }
        // What `bin/tabby cni install --node` does on a host (scripts/cni.sh): the launchers and their fallback into
        // the node's own /opt/cni/bin, the conflist into its /etc/cni/net.d, so the node's runtime runs the plugin from
        // there (Workloads). The fallback is told this host's java instead of being given a CDS archive: recording
        // one is a JVM run per node, and a testbed node always runs its CNI daemon.
        Path nodeDir = layout.nodeDir(node);
        List<String> cmd = List.of("env", "TABBY_ETCD_ENDPOINTS=" + layout.etcdEndpointFromNodes(),
                "TABBY_CNI_JAVA=" + ProcessHandle.current().info().command().orElse("java"),
                "bash", "-c", ". \"$0/scripts/lib.sh\" && . \"$0/scripts/cni.sh\" && cni_install \"$@\"",
                root.toString(), nodeDir.resolve("cni-bin").toString(), nodeDir.resolve("cni-conf").toString(), node);
        Shell.Result r = Shell.run(cmd, null, 30);
        if (!r.ok()) {
            throw new IllegalStateException("the CNI install (scripts/cni.sh cni_install) failed on " + node + ": "
                    + Workloads.firstLine(r));
        }
    }

    /** Registers nodes as the runtime runs things: tabbyctl as a process, or the chart's node-register container. */
    Registration registration() {
        return new Registration(root, layout, containers, this::containerVariables);
    }

    /** What ${...} in charts/tabby/services.yaml stands for on node {@code node}. */
    private Map<String, String> containerVariables(String node) {
        Map<String, String> vars = new java.util.HashMap<>(Map.of("NODE_NAME", node, "ETCD_ENDPOINTS",
                layout.etcdEndpointFromNodes(), "PROBE_MODES", probeModes()));
        String kafka = TestbedKafka.bootstrap(state);
        if (kafka != null) {
            vars.put(KAFKA_VARIABLE, kafka);
        }
        return vars;
    }

    /** Not a ${...} of services.yaml: when set, every container gets TABBY_KAFKA_BOOTSTRAP, as the chart's kafka.bootstrap does. */
    static final String KAFKA_VARIABLE = "KAFKA_BOOTSTRAP";

    private String probeModes() {
        return layout.bgp() ? "bgp" : layout.mode().ipip() ? "ipip" : "vxlan";
    }

    private State.ServiceProcess startProcess(String node, String service) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("TABBY_NODENAME", node, "TABBY_ETCD_ENDPOINTS",
                layout.etcdEndpointFromNodes(), ServiceJvm.MALLOC_ARENA_MAX, ServiceJvm.MALLOC_ARENAS));
        String kafka = TestbedKafka.bootstrap(state);
        if (kafka != null) {
            env.put("TABBY_KAFKA_BOOTSTRAP", kafka);
        }
        List<String> java = switch (service) {
            case VXLAN -> quarkusApp(VXLAN);
            case PROBE -> quarkusApp(PROBE);
            case POLICY -> quarkusApp(POLICY);
            case CNI -> cniDaemon();
            case BGP -> quarkusApp(BGP);
            case IPIP -> quarkusApp(IPIP);
            default -> throw new IllegalArgumentException("no service \"" + service + "\"");
        };
        Map<String, String> extra = service.equals(PROBE) ? Map.of("TABBY_PROBE_MODES", probeModes()) : Map.of();
        List<String> cmd = new ArrayList<>(List.of("setsid", "java"));
        cmd.addAll(java);
        // A Quarkus service runs in its fast-jar's directory, where its AppCDS archive applies (ServiceJvm).
        Path workDir = service.equals(CNI) ? null : quarkusAppDir(service);
        State.ServiceProcess p = launch(node, service, OnNode.command(layout.nodeNamespace(node), layout.nodeDir(node), cmd),
                merge(env, extra), layout.nodeDir(node).resolve(service + ".log"), workDir);
        p.port = switch (service) {
            case VXLAN -> Layout.VXLAN_PORT;
            case PROBE -> Layout.PROBE_PORT;
            case POLICY -> Layout.POLICY_PORT;
            case BGP -> Layout.BGP_PORT;
            case IPIP -> Layout.IPIP_PORT;
            default -> 0;
        };
        return p;
    }

    /** The forwarder that lets the nodes reach this host's etcd at {@link Layout#ETCD_ADDRESS} on the underlay. */
    void startForwarder(String etcdEndpoint) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // This process's own classpath: the testbed's target/lib does not exist yet while its tests run.
                "-cp", System.getProperty("java.class.path"), EtcdForwarder.class.getName(),
                Layout.netnsPath(layout.underlay()).toString(), Layout.ETCD_ADDRESS + ":" + Layout.ETCD_PORT, etcdEndpoint));
        state.forwarder = launch("-", FORWARDER, cmd, Map.of(), layout.varDir().resolve(FORWARDER + ".log"));
        state.save(layout.varDir());
        // The nodes' first etcd call comes right after this: wait until the forwarder says it listens.
        EtcdMembers.awaitLog(state.forwarder, "event=etcd_forwarder_listening", 1);
    }

    private Path quarkusAppDir(String module) {
        return root.resolve(module).resolve("target/quarkus-app");
    }

    private List<String> quarkusApp(String module) {
        Path jar = quarkusAppDir(module).resolve("quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(module + " is not built (" + jar + " is missing); run bin/tabby build");
        }
        List<String> out = new ArrayList<>(ServiceJvm.quarkusFlags(root, jar.getParent()));
        out.addAll(List.of("-jar", jar.toString()));
        return out;
    }

    private List<String> cniDaemon() {
        List<String> out = new ArrayList<>(ServiceJvm.flags(root));
        out.addAll(List.of("-cp", classpath("services/cni"), "dev.tabby.cni.daemon.CniDaemon"));
        return out;
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

    /**
     * Starts {@code cmd} detached from our stdin, its output appended to {@code log} (a restarted process's log keeps
     * what the one before it wrote); the testbed's way to start any process it records by PID.
     */
    static State.ServiceProcess launch(String node, String service, List<String> cmd, Map<String, String> env, Path log) {
        return launch(node, service, cmd, env, log, null);
    }

    /** As {@link #launch(String, String, List, Map, Path)}, in {@code workDir} (null: this process's own). */
    static State.ServiceProcess launch(String node, String service, List<String> cmd, Map<String, String> env, Path log,
            Path workDir) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            State.ServiceProcess sp = new State.ServiceProcess();
            sp.node = node;
            sp.service = service;
            sp.pid = p.pid();
            sp.log = log.toString();
            return sp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service + " for " + node + ": " + e.getMessage(), e);
        }
    }

    /** "ready", or why not: the service's own readiness answer on its node's loopback. */
    static String readiness(Layout layout, State.ServiceProcess p) {
        return readiness(layout, p, p.container == null ? Map.of() : ContainerServices.states(layout.prefix()));
    }

    /** As {@link #readiness(Layout, State.ServiceProcess)}, with podman's view of the containers taken once for many. */
    static String readiness(Layout layout, State.ServiceProcess p, Map<String, ContainerServices.ContainerState> containers) {
        if (p.container != null) {
            ContainerServices.ContainerState c = containers.get(p.container);
            if (c == null || !c.running()) {
                return "not running (" + (c == null ? "no container" : c.state()) + "; see " + p.log + ")";
            }
        } else if (!ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false)) {
            return "not running (see " + p.log + ")";
        }
        if (p.port == 0) {
            return "running";
        }
        NamespaceHttp.Response r = NamespaceHttp.get(Layout.netnsPath(layout.nodeNamespace(p.node)), p.port, "/q/health/ready");
        if (r == null) {
            return "starting";
        }
        return r.ok() ? "ready" : "not ready";
    }

    /** The body of a node service's GET, or null. */
    static String get(Layout layout, String node, int port, String path) {
        NamespaceHttp.Response r = NamespaceHttp.get(Layout.netnsPath(layout.nodeNamespace(node)), port, path);
        return r == null || !r.ok() ? null : r.body();
    }

    /** Ends a process by its own PID, or removes a container: TERM, then KILL after 10 s. */
    static void stop(State.ServiceProcess p) {
        if (p == null) {
            return;
        }
        if (p.container != null) {
            ContainerServices.remove(p);
            return;
        }
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
