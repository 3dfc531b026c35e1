package dev.tabby.testbed;

import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;

import dev.tabby.model.v3.Kind;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/tabby up | status | down}: a whole Tabby cluster on this machine, in network namespaces. */
@Command(name = "testbed", subcommands = {TestbedMain.Up.class, TestbedMain.StatusCommand.class, TestbedMain.Down.class,
        TestbedMain.Restart.class, WorkloadCommands.class})
public final class TestbedMain {
    static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new TestbedMain());
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            System.err.println("tabby: error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("")));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    static Path root() {
        return Path.of(System.getenv().getOrDefault("TABBY_ROOT", ".")).toAbsolutePath().normalize();
    }

    /** var/testbed, or TABBY_TESTBED_VAR (tests keep their testbed apart from an operator's). */
    static Path varDir() {
        String override = System.getenv("TABBY_TESTBED_VAR");
        return override != null ? Path.of(override) : root().resolve("var/testbed");
    }

    static String etcdEndpoints() {
        return System.getenv().getOrDefault(EtcdConfig.ENDPOINTS_VAR, EtcdConfig.DEFAULT_ENDPOINT);
    }

    @Command(name = "up", description = "Create the namespaces, register the nodes, start their services, attach workloads.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "3")
        int nodes;

        @Option(names = "--workloads", defaultValue = "2", description = "workloads per node")
        int workloads;

        @Option(names = "--ready-timeout", defaultValue = "180", paramLabel = "SECONDS",
                description = "how long the nodes' services may take to become ready (raise it in bin/tabby vm run, where"
                        + " Java runs 20-50 times slower)")
        int readyTimeout;

        @Option(names = "--mode", defaultValue = "vxlan", description = "vxlan, vxlan-crosssubnet, bgp, ipip or ipip-crosssubnet (ipip needs a kernel with"
                + " the ipip module: run it in bin/tabby vm run)")
        String mode;

        @Option(names = "--peer", description = "with --mode bgp: a top-of-rack router (bird, gobgp or frr) in the underlay, AS 65000, peered with every node")
        String peer;

        @Option(names = "--runtime", defaultValue = "process", description = "process (each node service a process in its"
                + " node's namespace) or podman (each a container of the image bin/tabby images built, as the chart runs it)")
        String runtime;

        @Option(names = "--prefix", defaultValue = Layout.DEFAULT_PREFIX, description = "namespace name prefix (tests use their own)")
        String prefix;

        @Option(names = "--kafka", description = "run a Kafka broker (single-node KRaft, data in var/testbed/kafka) and give"
                + " every node service TABBY_KAFKA_BOOTSTRAP: events to topic tabby.events, flow logs to tabby.flows")
        boolean kafka;

        @Option(names = "--etcd-members", defaultValue = "1", paramLabel = "N", description = "1: this host's etcd (the"
                + " default); 3, 5 or 7: the testbed's own etcd cluster, each member in its own namespace on the underlay")
        int etcdMembers;

        @Override
        public Integer call() {
            PrintWriter out = new PrintWriter(System.out, true);
            if (readyTimeout < 1) {
                throw new IllegalArgumentException("--ready-timeout " + readyTimeout + " must be at least 1 second");
            }
            Layout.requireEtcdMembers(etcdMembers); // before a testbed that is up is taken down for this one
            if (Layout.Mode.parse(mode).ipip() && !KernelIpip.available()) {
                throw new IllegalArgumentException("--mode " + mode + " needs IP-in-IP, and this kernel ("
                        + System.getProperty("os.version") + ") has no ipip module; run it in a VM with Debian's kernel:"
                        + " bin/tabby vm run -- bin/tabby up --mode " + mode);
            }
            if (State.load(varDir()) != null) {
                out.println("tabby: a testbed is already up; taking it down first");
                new Teardown(varDir(), etcdEndpoints(), out).run();
            }
            Layout layout = new Layout(nodes, workloads, Layout.Mode.parse(mode), varDir(), prefix, etcdMembers);
                        RouterKind peerKind = peer == null ? null : RouterKind.parse(peer);
            if (peerKind != null && !layout.bgp()) {
                throw new IllegalArgumentException("--peer " + peer + " needs --mode bgp: the router peers with the nodes' bgp-speakers");
            }
            if (!runtime.equals("process") && !runtime.equals(ContainerServices.RUNTIME)) {
                throw new IllegalArgumentException("--runtime " + runtime + " is not known; use process or podman");
            }
            State state = new State();
            state.runtime = runtime;
            // Missing images stop up before anything is made.
            new Services(root(), layout, state).requireImages();
            state.mode = layout.mode().label;
            state.prefix = prefix;
            state.nodesWanted = nodes;
            state.etcdMembersWanted = etcdMembers;
            state.workloadsPerNode = workloads;
            state.save(varDir());
            Underlay underlay = new Underlay(layout, state);
            out.println("tabby: creating the underlay and " + nodes + " node namespaces (" + layout.mode().label + ")");
            underlay.build();
            for (int i = 1; i <= nodes; i++) {
                State.NodeInfo n = new State.NodeInfo();
                n.index = i;
                n.name = Layout.nodeName(i);
                n.address = underlay.addNode(i);
                state.nodes.add(n);
                state.save(varDir());
            }
            Services services = new Services(root(), layout, state);
            if (layout.etcdCluster()) {
                new EtcdMembers(layout, state).startAll(underlay);
                out.println("tabby: etcd runs as " + etcdMembers + " members, each in its own namespace (" + layout.etcdMemberNamespace(1)
                        + ".." + etcdMembers + ", data and logs in " + varDir().resolve("etcd") + "); nodes are given every member: "
                        + layout.etcdEndpointFromNodes());
                out.println("tabby: on this host reach them with TABBY_ETCD_ENDPOINTS=" + EtcdMembers.hostEndpoints(state)
                        + " bin/tabbyctl ... (forwarded into the members' namespaces)");
            } else {
                services.startForwarder(etcdEndpoints());
                out.println("tabby: nodes reach etcd at " + layout.etcdEndpointFromNodes() + " on the underlay (forwarded to "
                        + etcdEndpoints() + ")");
            }
            if (kafka) {
                new TestbedKafka(layout, state).start();
                out.println("tabby: kafka runs on this host (pid " + state.kafka.pid + ", log " + state.kafka.log
                        + "); every node service is given TABBY_KAFKA_BOOTSTRAP=" + TestbedKafka.bootstrap(state)
                        + "; read it with TABBY_KAFKA_BOOTSTRAP=" + TestbedKafka.bootstrap(state) + " bin/tabbyctl events");
            }
            services.registration().registerAll(state.nodes).forEach(line -> out.println("tabby: " + line));
            Router tor = null;
            if (peerKind != null) {
                long clusterAs;
                try (KeyValueStore kv = KeyValueStore.connect(EtcdMembers.hostConfig(state))) {
                    ResourceStore store = new ResourceStore(kv);
                    TorRouter.writePeer(store);
                    clusterAs = TorRouter.clusterAs(store);
                }
                tor = TorRouter.start(layout, state, peerKind, clusterAs);
                out.println("tabby: " + peerKind.operatorName() + " runs as the top-of-rack router in " + layout.torNamespace()
                        + " at " + Layout.torAddress() + " (AS " + Layout.TOR_AS + ", pid " + tor.pid() + ", peers: every node at AS "
                        + clusterAs + "); global BGPPeer " + TorRouter.BGP_PEER + " written, so every node peers with it");
            }
            out.println("tabby: starting " + String.join(", ", Services.nodeServices(layout)) + " inside each node's namespace"
                    + (state.runtime.equals(ContainerServices.RUNTIME) ? " as podman containers" : "")
                    + " (logs in " + varDir() + ")");
            for (State.NodeInfo n : state.nodes) {
                services.installCni(n.index);
                services.startNode(n.index);
            }
            waitForServices(state, layout, readyTimeout);
            Workloads wl = new Workloads(layout, state);
            try (KeyValueStore kv = KeyValueStore.connect(EtcdMembers.hostConfig(state))) {
                ResourceStore store = new ResourceStore(kv);
                for (State.NodeInfo n : state.nodes) {
                    for (int k = 1; k <= workloads; k++) {
                        wl.add("wl-" + n.name + "-" + k, n.name, "default", Map.of(), null, underlay, store);
                    }
                }
            }
            out.println("tabby: attached " + state.workloads.size() + " workloads through tabby-cni; waiting for the "
                    + (layout.bgp() ? "BGP routes" : "tunnels"));
            Status.Snapshot s = waitForConvergence(state, layout);
            Status.printTable(out, s);
            out.println();
            boolean torOk = tor == null || TorCheck.report(out, layout, state, tor);
            boolean healthy = s.healthy() && torOk;
            out.println(healthy ? "tabby: the cluster is up: every workload reaches every other"
                    : "tabby: the cluster is up but not healthy; see the table and the logs in " + varDir());
            out.println("tabby: bin/tabby status shows it again; bin/tabby workload add|del|exec|list shapes it;"
                    + " bin/tabby down removes it");
            return healthy ? 0 : 1;
        }

        private static void waitForServices(State state, Layout layout, int readyTimeout) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(readyTimeout));
            while (true) {
                Map<String, String> readiness = new LinkedHashMap<>();
                Map<String, ContainerServices.ContainerState> containers = ContainerServices.RUNTIME.equals(state.runtime)
                        ? ContainerServices.states(state.prefix) : Map.of();
                state.processes.forEach(p -> readiness.put(p.node + "/" + p.service, Services.readiness(layout, p, containers)));
                boolean cniUp = state.nodes.stream().allMatch(n -> Files.exists(layout.nodeDir(n.name).resolve("run/cni.sock")));
                if (cniUp && readiness.entrySet().stream().filter(e -> !e.getKey().endsWith("/" + Services.PROBE))
                        .allMatch(e -> e.getValue().equals("ready") || e.getValue().equals("running"))) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("services not ready after " + readyTimeout + " s: "
                            + readiness + "; see the logs in " + varDir());
                }
                sleep(200);
            }
        }

        private static Status.Snapshot waitForConvergence(State state, Layout layout) {
            Instant deadline = Instant.now().plus(CONVERGE_TIMEOUT);
            while (true) {
                Status.Snapshot s = Status.take(state, layout);
                if (s.healthy() || Instant.now().isAfter(deadline)) {
                    return s;
                }
                sleep(250);
            }
        }
    }

    @Command(name = "status", description = "The testbed's nodes, services, tunnels, workloads and ping matrix now.")
    static final class StatusCommand implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, defaultValue = "table")
        String output;

        @Override
        public Integer call() {
            State state = State.load(varDir());
            if (state == null) {
                System.out.println("tabby: no testbed is up; start one with bin/tabby up");
                return 3;
            }
            Status.Snapshot s = Status.take(state, Layout.of(state, varDir()));
            if (output.equals("json")) {
                System.out.println(Status.json(s));
            } else if (output.equals("table")) {
                Status.printTable(new PrintWriter(System.out, true), s);
            } else {
                throw new IllegalArgumentException("-o " + output + " is not known; use table or json");
            }
            return s.healthy() ? 0 : 1;
        }
    }

    @Command(name = "restart", description = "Stop one node's service (TERM, or KILL with --kill) and start it again.")
    static final class Restart implements Callable<Integer> {
        @Option(names = "--node", required = true)
        String node;

        @Option(names = "--service", required = true, description = "vxlan-manager, policy-renderer, requirements-probe, cni-daemon, (--mode bgp) bgp-speaker or (--mode ipip*) ipip-manager;"
                + " etcd with --node etcd1.. for a member of --etcd-members (started again also when it is down);"
                + " kafka (any --node) for the broker of --kafka (started again also when it is down)")
        String service;

        @Option(names = "--kill", description = "kill -9, as a crash would, instead of a clean stop")
        boolean kill;

        @Override
        public Integer call() {
            State state = State.load(varDir());
            if (state == null) {
                throw new IllegalStateException("no testbed is up; start one with bin/tabby up");
            }
            if (service.equals(EtcdMembers.SERVICE)) {
                System.out.println(new EtcdMembers(Layout.of(state, varDir()), state).restart(node, kill));
                return 0;
            }
            if (service.equals(TestbedKafka.SERVICE)) {
                System.out.println(new TestbedKafka(Layout.of(state, varDir()), state).restart(kill));
                return 0;
            }
            State.NodeInfo n = state.nodes.stream().filter(x -> x.name.equals(node)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no node \"" + node + "\" in the testbed"));
            State.ServiceProcess old = state.processes.stream().filter(p -> p.node.equals(node) && p.service.equals(service))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no service \"" + service + "\" on " + node));
            if (old.container != null) {
                ContainerRestart.run(Layout.of(state, varDir()), old, kill);
                state.save(varDir());
                System.out.println("tabby: " + service + " on " + node + (kill ? " killed; podman restarted its container"
                        : " restarted in its container"));
                return 0;
            }
            ProcessHandle.of(old.pid).ifPresent(h -> {
                if (kill) {
                    h.destroyForcibly();
                }
                Services.stop(old);
            });
            state.processes.remove(old);
            state.save(varDir());
            new Services(root(), Layout.of(state, varDir()), state).startService(n.index, service);
            System.out.println("tabby: " + service + " on " + node + (kill ? " killed" : " stopped") + " and started again");
            return 0;
        }
    }

    @Command(name = "down", description = "Remove every namespace, process and file the testbed made.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            PrintWriter out = new PrintWriter(System.out, true);
            if (State.load(varDir()) == null) {
                out.println("tabby: no testbed is up");
                return 0;
            }
            return new Teardown(varDir(), etcdEndpoints(), out).run() ? 0 : 1;
        }
    }

    /** Takes a testbed down in reverse order of making it, and checks that nothing is left. */
    record Teardown(Path varDir, String etcdEndpoints, PrintWriter out) {
        boolean run() {
            State state = State.load(varDir);
            Layout layout = Layout.of(state, varDir);
            Workloads wl = new Workloads(layout, state);
            for (State.WorkloadInfo w : state.workloads) {
                String failure;
                try {
                    Shell.Result r = wl.delete(w);
                    failure = r.ok() ? null : Workloads.firstLine(r);
                } catch (IllegalStateException e) {
                    failure = e.getMessage(); // e.g. the node's conflist is gone: the namespace still goes
                }
                if (failure != null) {
                    out.println("tabby: CNI DEL of " + w.name + " failed (" + failure + "); removing its namespace anyway");
                }
            }
            state.processes.forEach(Services::stop);
            state.routerProcesses.forEach(Services::stop);
            Services.stop(state.forwarder);
            TestbedKafka.stop(state);
            if (!state.etcdMembers.isEmpty()) {
                // The testbed's own cluster goes with its data: nothing of ours to remove from it first.
                EtcdMembers.stopAll(state);
            } else try (KeyValueStore kv = KeyValueStore.connect(EtcdMembers.hostConfig(state))) {
                ResourceStore store = new ResourceStore(kv);
                if (state.peer != null) {
                    try {
                        TorRouter.deletePeer(store);
                    } catch (RuntimeException e) {
                        // already gone
                    }
                }
                for (State.NodeInfo n : state.nodes) {
                    try {
                        store.delete(new ResourceId(Kind.NODE, null, n.name), null);
                    } catch (RuntimeException e) {
                        // already gone, or etcd down: nothing of ours to keep there
                    }
                }
            } catch (RuntimeException e) {
                out.println("tabby: etcd not reachable to remove the testbed's nodes: " + e.getMessage());
            }
            for (int i = state.namespaces.size() - 1; i >= 0; i--) {
                NamespaceHttp.forget(Layout.netnsPath(state.namespaces.get(i)));
                Shell.run("ip", "netns", "del", state.namespaces.get(i));
            }
            deleteTree(varDir);
            String left = Shell.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0])
                    .filter(state.namespaces::contains).reduce((a, b) -> a + " " + b).orElse("");
            List<State.ServiceProcess> all = new java.util.ArrayList<>(state.processes);
            all.addAll(state.routerProcesses);
            if (state.forwarder != null) {
                all.add(state.forwarder);
            }
            all.addAll(EtcdMembers.processes(state));
            all.addAll(TestbedKafka.processes(state));
            long alive = all.stream().filter(p -> ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false)).count();
            List<String> containers = ContainerServices.RUNTIME.equals(state.runtime) ? ContainerServices.leftOver(state.prefix) : List.of();
            if (!left.isEmpty() || alive > 0 || !containers.isEmpty()) {
                out.println("tabby: down left namespaces [" + left + "], " + alive + " processes and containers " + containers
                        + "; remove them by hand");
                return false;
            }
            out.println("tabby: testbed removed: " + state.namespaces.size() + " namespaces, " + all.size()
                    + " processes, " + state.workloads.size() + " workloads; nothing left");
            return true;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
