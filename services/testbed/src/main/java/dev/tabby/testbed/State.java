package dev.tabby.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a testbed made, written as it is made (var/testbed/state.json), so {@code down} removes exactly that even
 * after a half-finished {@code up}.
 */
final class State {
    public String mode;
    /** How node services run: "process" (ip netns exec) or "podman" (a container per service, ContainerServices). */
    public String runtime = "process";
    public String prefix = Layout.DEFAULT_PREFIX;
    public int nodesWanted;
    public int workloadsPerNode;
    public List<String> namespaces = new ArrayList<>();
    public List<NodeInfo> nodes = new ArrayList<>();
    public List<ServiceProcess> processes = new ArrayList<>();
    /** The etcd forwarder into the underlay, or null. */
    public ServiceProcess forwarder;
    public List<WorkloadInfo> workloads = new ArrayList<>();
    /** The top-of-rack router of {@code --peer} (bird, gobgp, frr), or null for none. */
    public String peer;
    /** The router's daemons (FRR: zebra and bgpd), stopped by {@code down}. */
    public List<ServiceProcess> routerProcesses = new ArrayList<>();
    /** --etcd-members: 1 is this host's etcd through {@link #forwarder}; more, the testbed's own cluster. */
    public int etcdMembersWanted = 1;
    /** The cluster's members (node "etcd1".., service "etcd"), each stopped by its PID in {@code down}. */
    public List<ServiceProcess> etcdMembers = new ArrayList<>();
    /** The forwarder of one 127.0.0.1 port per member into the members' namespaces, or null. */
    public ServiceProcess etcdHostForwarder;
    /** The members as this host reaches them through that forwarder (for bin/tabbyctl and the testbed itself). */
    public List<String> hostEtcdEndpoints = new ArrayList<>();
    /** --kafka: the broker on this host's 127.0.0.1:{@link #kafkaPort}, and the forwarder into the nodes; else null. */
    public ServiceProcess kafka;
    public ServiceProcess kafkaForwarder;
    public int kafkaPort;

    public static final class NodeInfo {
        public String name;
        public int index;
        public String address;
    }

    public static final class ServiceProcess {
        public String node;
        public String service;
        public long pid;
        /** The container's name under --runtime podman, else null; pid is then its main process when started. */
        public String container;
        public int port;
        public String log;
    }

    public static final class WorkloadInfo {
        public String name;
        public String node;
        public String namespace;
        public String containerId;
        public String ip;
        /** The orchestrator namespace (K8S_POD_NAMESPACE) of its WorkloadEndpoint. */
        public String k8sNamespace = "default";
        public java.util.Map<String, String> labels = new java.util.TreeMap<>();
        /** The address asked for with --ip, or null. */
        public String requestedIp;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static Path file(Path varDir) {
        return varDir.resolve("state.json");
    }

    static State load(Path varDir) {
        Path f = file(varDir);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), State.class);
        } catch (IOException e) {
            throw new IllegalStateException(f + " is unreadable (" + e.getMessage().lines().findFirst().orElse("")
                    + "); remove the testbed by hand: ip netns list | grep tabby-", e);
        }
    }

    void save(Path varDir) {
        try {
            Files.createDirectories(varDir);
            Path tmp = varDir.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file(varDir), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
