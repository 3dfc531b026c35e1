package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Attaches workloads exactly as a container runtime on the node does: a network namespace, then the plugin of the
 * node's conflist run from the node's /opt/cni/bin (the launcher that hands the call to the node's CNI daemon), on the
 * node (its network namespace, its /run/tabby), with the CNI_* environment and the network configuration on stdin;
 * the result is the spec's JSON. Labels are then put on the WorkloadEndpoint, as an
 * orchestrator's do (Calico's plugin reads a pod's labels from Kubernetes; the testbed is the orchestrator here).
 */
final class Workloads {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?");

    private final Layout layout;
    private final State state;

    Workloads(Layout layout, State state) {
        this.layout = layout;
        this.state = state;
    }

    /**
     * Makes a workload named {@code name} on {@code node} and attaches it.
     *
     * @param k8sNamespace the WorkloadEndpoint's namespace
     * @param labels       labels for its WorkloadEndpoint
     * @param ip           an address to ask for (CNI_ARGS IP=), or null for one from IPAM
     * @param underlay     makes (and records) the workload's network namespace
     */
    State.WorkloadInfo add(String name, String node, String k8sNamespace, Map<String, String> labels, String ip,
            Underlay underlay, ResourceStore store) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("workload name \"" + name + "\" must be 1-30 lower-case letters, digits and '-'");
        }
        if (state.workloads.stream().anyMatch(w -> w.name.equals(name))) {
            throw new IllegalArgumentException("a workload named \"" + name + "\" exists already; delete it first (bin/tabby workload del " + name + ")");
        }
        if (state.nodes.stream().noneMatch(n -> n.name.equals(node))) {
            throw new IllegalArgumentException("no node \"" + node + "\" in the testbed; nodes: "
                    + String.join(", ", state.nodes.stream().map(n -> n.name).toList()));
        }
        String ns = layout.workloadNamespace(name);
        underlay.createNamespace(ns);
        State.WorkloadInfo w = new State.WorkloadInfo();
        w.name = name;
        w.node = node;
        w.namespace = ns;
        w.containerId = "testbed-" + name;
        w.k8sNamespace = k8sNamespace;
        w.labels = new TreeMap<>(labels);
        w.requestedIp = ip;
        NamespaceProfiles.ensure(store, k8sNamespace);
        Shell.Result r = plugin("ADD", w);
        if (!r.ok()) {
            Shell.run("ip", "netns", "del", ns);
            state.namespaces.remove(ns);
            state.save(layout.varDir());
            throw new IllegalStateException("CNI ADD of " + name + " on " + node + " failed: " + firstLine(r));
        }
        try {
            JsonNode result = JSON.readTree(r.out());
            String addr = result.path("ips").path(0).path("address").asText();
            w.ip = addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("CNI ADD of " + name + " printed no result JSON: " + r.out(), e);
        }
        state.workloads.add(w);
        state.save(layout.varDir());
        if (!labels.isEmpty()) {
            label(store, w);
        }
        return w;
    }

    /** DEL as a runtime would on removal; the result says whether it worked. The namespace stays for the caller. */
    Shell.Result delete(State.WorkloadInfo w) {
        return plugin("DEL", w);
    }

    /** Merges the workload's labels into its WorkloadEndpoint (found by container ID), compare-and-swap. */
    private void label(ResourceStore store, State.WorkloadInfo w) {
        for (int attempt = 1; ; attempt++) {
            WorkloadEndpoint wep = store.list(Kind.WORKLOAD_ENDPOINT, w.k8sNamespace).items().stream()
                    .map(WorkloadEndpoint.class::cast)
                    .filter(e -> e.spec() != null && w.containerId.equals(e.spec().containerID()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("CNI ADD of " + w.name
                            + " wrote no WorkloadEndpoint in namespace " + w.k8sNamespace));
            Map<String, String> merged = new TreeMap<>(wep.metadata().labelsOrEmpty());
            merged.putAll(w.labels);
            try {
                store.update(new WorkloadEndpoint(wep.metadata().withLabels(merged), wep.spec()));
                return;
            } catch (ResourceConflictException e) {
                if (attempt >= 5) {
                    throw new IllegalStateException("the WorkloadEndpoint of " + w.name + " kept changing while it was labelled", e);
                }
            }
        }
    }

    /**
     * The plugin as a runtime on the node runs it: the conflist's plugin from the node's /etc/cni/net.d, executed by its
     * type from the node's /opt/cni/bin (where the node's CNI install put the launchers), config on stdin.
     */
    private Shell.Result plugin(String command, State.WorkloadInfo w) {
        StringBuilder args = new StringBuilder("K8S_POD_NAMESPACE=" + w.k8sNamespace + ";K8S_POD_NAME=" + w.name);
        if (w.requestedIp != null) {
            args.append(";IP=").append(w.requestedIp);
        }
        InstalledCni.Plugin plugin = InstalledCni.read(layout.nodeDir(w.node).resolve("cni-conf"));
        List<String> cmd = List.of("env",
                "CNI_COMMAND=" + command, "CNI_CONTAINERID=" + w.containerId,
                "CNI_NETNS=" + Layout.netnsPath(w.namespace), "CNI_IFNAME=eth0", "CNI_PATH=" + OnNode.CNI_BIN_DIR,
                "CNI_ARGS=" + args, OnNode.CNI_BIN_DIR.resolve(plugin.type()).toString());
        return Shell.run(OnNode.command(layout.nodeNamespace(w.node), layout.nodeDir(w.node), cmd, true), plugin.config(), 60);
    }

    /** {@code k=v,k2=v2} as a map; an empty text is no labels. */
    static Map<String, String> parseLabels(String text) {
        Map<String, String> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--labels: \"" + pair + "\" is not KEY=VALUE; use e.g. --labels app=web,tier=front");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    static String firstLine(Shell.Result r) {
        String text = (r.out() + "\n" + r.err()).strip();
        return text.isEmpty() ? "exit " + r.exitCode() : text.lines().findFirst().orElse(text);
    }
}
