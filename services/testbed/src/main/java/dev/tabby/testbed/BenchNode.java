package dev.tabby.testbed;

import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One testbed node for a benchmark outside this package ({@code bin/tabby bench footprint}), made from the testbed's own
 * parts (Underlay, the etcd forwarder, Registration, Services, Workloads), so its services and workloads start exactly
 * as {@code bin/tabby up} starts them. It records what it makes in its own {@link State} and removes exactly that in
 * {@link #takeDown()}: namespaces, processes by PID, its directory. Never the operator's testbed: its own namespace
 * prefix and directory.
 *
 * <p>The node runs in the testbed's BGP mode: the only mode whose node runs every service this host can run
 * (bgp-speaker beside vxlan-manager, policy-renderer, requirements-probe and the CNI daemon). ipip-manager runs only
 * in IP-in-IP mode (without bgp-speaker), which needs a kernel with the ipip module.
 */
public final class BenchNode implements AutoCloseable {
    public static final String CNI_DAEMON = Services.CNI;
    private static final String NODE = Layout.nodeName(1);

    private final Layout layout;
    private final State state = new State();
    private final Services services;
    private final Underlay underlay;
    private final Workloads workloads;
    private final Map<String, State.ServiceProcess> running = new LinkedHashMap<>();
    private KeyValueStore kv;
    private boolean closed;

    /** Nothing is made yet; {@code prefix} names the namespaces (tabby-..., at most 18 characters). */
    public BenchNode(Path root, Path varDir, String prefix) {
        this.layout = new Layout(1, 0, Layout.Mode.BGP, varDir, prefix);
        state.mode = layout.mode().label;
        state.prefix = prefix;
        state.nodesWanted = 1;
        state.save(varDir);
        this.services = new Services(root, layout, state);
        this.underlay = new Underlay(layout, state);
        this.workloads = new Workloads(layout, state);
    }

    /** Whether this kernel could run ipip-manager at all (the ipip module). */
    public static boolean kernelHasIpip() {
        return KernelIpip.available();
    }

    /** The services a node of this testbed runs, in the testbed's order. */
    public List<String> services() {
        return Services.nodeServices(layout);
    }

    /**
     * Makes the underlay and the node, forwards {@code etcd} (on this host) into the underlay as the testbed's etcd,
     * registers the node with tabbyctl on the node and installs its CNI plugin; returns what tabbyctl said.
     */
    public synchronized List<String> up(URI etcd) {
        requireOpen();
        underlay.build();
        State.NodeInfo n = new State.NodeInfo();
        n.index = 1;
        n.name = NODE;
        n.address = underlay.addNode(1);
        state.nodes.add(n);
        state.save(layout.varDir());
        services.startForwarder(etcd.toString());
        kv = KeyValueStore.connect(EtcdConfig.plain(etcd));
        List<String> registered = services.registration().registerAll(state.nodes);
        services.installCni(1);
        return registered;
    }

    /** Starts {@code service} on the node as the testbed does; returns its PID. */
    public synchronized long start(String service) {
        requireOpen();
        if (running.containsKey(service)) {
            throw new IllegalStateException(service + " is running already (pid " + running.get(service).pid + ")");
        }
        services.startService(1, service);
        State.ServiceProcess p = state.processes.get(state.processes.size() - 1);
        running.put(service, p);
        return p.pid;
    }

    /**
     * "ready", "starting", or "not running (see LOG)": an HTTP service's own GET /q/health/ready on the node's loopback;
     * the CNI daemon (no HTTP health) when its socket /run/tabby/cni.sock accepts a connection.
     */
    public String readiness(String service) {
        State.ServiceProcess p = running.get(service);
        if (p == null) {
            return "not started";
        }
        if (!service.equals(Services.CNI)) {
            String r = Services.readiness(layout, p);
            return r.equals("ready") || r.startsWith("not running") ? r : "starting";
        }
        if (!ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false)) {
            return "not running (see " + p.log + ")";
        }
        Path socket = layout.nodeDir(NODE).resolve("run/cni.sock");
        if (!Files.exists(socket)) {
            return "starting";
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return "ready";
        } catch (IOException e) {
            return "starting";
        }
    }

    /** The service's log file, or null when it was not started. */
    public String log(String service) {
        State.ServiceProcess p = running.get(service);
        return p == null ? null : p.log;
    }

    /** Stops {@code service} by its PID (TERM, KILL after 10 s). */
    public synchronized void stop(String service) {
        State.ServiceProcess p = running.remove(service);
        if (p != null) {
            Services.stop(p);
            state.processes.remove(p);
            state.save(layout.varDir());
        }
    }

    /** Attaches workload {@code name} on the node: its namespace, then CNI ADD as the testbed's workloads are added. */
    public synchronized void addWorkload(String name) {
        requireOpen();
        workloads.add(name, NODE, "default", Map.of(), null, underlay, new ResourceStore(kv));
    }

    /** The node's network namespace. */
    public String nodeNamespace() {
        return layout.nodeNamespace(NODE);
    }

    /**
     * Removes everything made: the services and the forwarder by PID (TERM to all, then each waited for, KILL after
     * 10 s), the namespaces in reverse order, the directory. Once only (a shutdown hook may race the normal end);
     * returns what is left, empty when nothing.
     */
    public synchronized String takeDown() {
        if (closed) {
            return "";
        }
        closed = true;
        List<State.ServiceProcess> all = new ArrayList<>(state.processes);
        if (state.forwarder != null) {
            all.add(state.forwarder);
        }
        all.forEach(p -> ProcessHandle.of(p.pid).ifPresent(ProcessHandle::destroy));
        all.forEach(Services::stop);
        running.clear();
        if (kv != null) {
            try {
                kv.close();
            } catch (RuntimeException e) {
                // etcd may be gone first; a client holds nothing of ours
            }
        }
        for (int i = state.namespaces.size() - 1; i >= 0; i--) {
            NamespaceHttp.forget(Layout.netnsPath(state.namespaces.get(i)));
            Shell.run("ip", "netns", "del", state.namespaces.get(i));
        }
        TestbedMain.deleteTree(layout.varDir());
        List<String> left = new ArrayList<>();
        Shell.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0]).filter(state.namespaces::contains)
                .forEach(ns -> left.add("namespace " + ns));
        all.stream().filter(p -> ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false))
                .forEach(p -> left.add(p.service + " pid " + p.pid));
        return String.join(", ", left);
    }

    @Override
    public void close() {
        takeDown();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the benchmark's node is taken down already (interrupted)");
        }
    }
}
