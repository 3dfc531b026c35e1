package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Attaches workloads exactly as a container runtime does: a network namespace, then the {@code tabby-cni} plugin
 * run with the CNI_* environment and the network configuration on stdin; the result is the spec's JSON.
 */
final class Workloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Layout layout;
    private final State state;
    private final String etcdEndpoints;

    Workloads(Path root, Layout layout, State state, String etcdEndpoints) {
        this.root = root;
        this.layout = layout;
        this.state = state;
        this.etcdEndpoints = etcdEndpoints;
    }

    String networkConfig(String node) {
        return """
                {"cniVersion":"1.0.0","name":"k8s-pod-network","type":"tabby","log_level":"info",
                 "etcd_endpoints":"%s","nodename":"%s","host_netns":"%s","mtu":0,"ipam":{"type":"tabby-ipam"}}
                """.formatted(etcdEndpoints, node, Layout.netnsPath(layout.nodeNamespace(node)));
    }

    void add(String node, int k, Underlay underlay) {
        String ns = layout.workloadNamespace(node, k);
        underlay.createNamespace(ns);
        String name = "wl-" + node + "-" + k;
        String containerId = "testbed" + Integer.toHexString((node + "/" + k).hashCode() & 0x7fffffff);
        Shell.Result r = plugin("ADD", node, ns, containerId, name);
        if (!r.ok()) {
            throw new IllegalStateException("CNI ADD of " + name + " on " + node + " failed: " + firstLine(r));
        }
        String ip;
        try {
            JsonNode result = JSON.readTree(r.out());
            ip = result.path("ips").path(0).path("address").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("CNI ADD of " + name + " printed no result JSON: " + r.out(), e);
        }
        State.WorkloadInfo w = new State.WorkloadInfo();
        w.name = name;
        w.node = node;
        w.namespace = ns;
        w.containerId = containerId;
        w.ip = ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip;
        state.workloads.add(w);
        state.save(layout.varDir());
    }

    /** DEL as a runtime would on pod removal; the result says whether it worked. */
    Shell.Result delete(State.WorkloadInfo w) {
        return plugin("DEL", w.node, w.namespace, w.containerId, w.name);
    }

    private Shell.Result plugin(String command, String node, String ns, String containerId, String pod) {
        Path cni = root.resolve("services/cni");
        List<String> cmd = new ArrayList<>(List.of("env",
                "CNI_COMMAND=" + command, "CNI_CONTAINERID=" + containerId,
                "CNI_NETNS=" + Layout.netnsPath(ns), "CNI_IFNAME=eth0", "CNI_PATH=" + root.resolve("var/testbed/cni-bin"),
                "CNI_ARGS=K8S_POD_NAMESPACE=default;K8S_POD_NAME=" + pod,
                "TABBY_CNI_SOCKET=" + Services.cniSocket(layout, node),
                "java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", cni.resolve("target/classes") + File.pathSeparator + cni.resolve("target/lib") + "/*",
                "dev.tabby.cni.client.CniClient", "tabby-cni"));
        return Shell.run(cmd, networkConfig(node), 60);
    }

    static String firstLine(Shell.Result r) {
        String text = (r.out() + "\n" + r.err()).strip();
        return text.isEmpty() ? "exit " + r.exitCode() : text.lines().findFirst().orElse(text);
    }
}
