package dev.tabby.testbed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Names and addresses of a testbed: an underlay namespace with a bridge that routes between the node subnets, one
 * namespace per node, one per workload. Everything is named {@code tabby-*} so an operator sees at once what is ours.
 */
record Layout(int nodes, int workloadsPerNode, Mode mode, Path varDir, String prefix, int etcdMembers) {
    static final String DEFAULT_PREFIX = "tabby-";
    static final String BRIDGE = "br0";
    static final String POOL_CIDR = "192.168.0.0/16";
    /** Where the nodes reach etcd: the underlay's gateway address, forwarded to the etcd on this host. */
    static final String ETCD_ADDRESS = "10.99.1.1";
    static final int ETCD_PORT = 2379;
    static final int ETCD_PEER_PORT = 2380;
    /** etcd advises at most seven members: more slow every write and tolerate no failure that seven do not. */
    static final int MAX_ETCD_MEMBERS = 7;
    /** The services' standard HTTP ports (architecture.md), each on its own node's loopback. */
    static final int VXLAN_PORT = 9182;
    static final int PROBE_PORT = 9184;
    static final int POLICY_PORT = 9183;
    static final int BGP_PORT = 9180;
    static final int IPIP_PORT = 9181;
    /** The top-of-rack router's AS (--peer): not the cluster's 64512, so its sessions with the nodes are eBGP. */
    static final long TOR_AS = 65000;

    enum Mode {
        VXLAN("vxlan", "Always", "Never"), VXLAN_CROSSSUBNET("vxlan-crosssubnet", "CrossSubnet", "Never"),
        /** Plain routing: no encapsulation, bgp-speaker on every node puts the other nodes' blocks into the kernel. */
        BGP("bgp", "Never", "Never"),
        /**
         * IP-in-IP, Calico's default, routed by ipip-manager (no BGP). Needs a kernel with ipip: run it inside
         * {@code bin/tabby vm run}.
         */
        IPIP("ipip", "Never", "Always"), IPIP_CROSSSUBNET("ipip-crosssubnet", "Never", "CrossSubnet");

        final String label;
        final String vxlanMode;
        final String ipipMode;

        Mode(String label, String vxlanMode, String ipipMode) {
            this.label = label;
            this.vxlanMode = vxlanMode;
            this.ipipMode = ipipMode;
        }

        boolean crossSubnet() {
            return this == VXLAN_CROSSSUBNET || this == IPIP_CROSSSUBNET;
        }

        boolean ipip() {
            return this == IPIP || this == IPIP_CROSSSUBNET;
        }

        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.label.equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--mode \"" + text + "\" is not known; use vxlan, vxlan-crosssubnet, bgp, ipip or"
                    + " ipip-crosssubnet");
        }
    }

    boolean bgp() {
        return mode == Mode.BGP;
    }

    Layout {
        if (nodes < 1 || nodes > 20) {
            throw new IllegalArgumentException("--nodes " + nodes + " is out of range; 1..20");
        }
        if (!prefix.matches("tabby-[a-z0-9-]{0,12}")) {
            throw new IllegalArgumentException("--prefix \"" + prefix + "\" must start with tabby- and be short: namespace names are limited");
        }
        if (workloadsPerNode < 0 || workloadsPerNode > 20) {
            throw new IllegalArgumentException("--workloads " + workloadsPerNode + " is out of range; 0..20");
        }
        requireEtcdMembers(etcdMembers);
    }

    /** Refuses an even number of members or more than 7, before anything is made or taken down. */
    static void requireEtcdMembers(int etcdMembers) {
        if (etcdMembers < 1 || etcdMembers > MAX_ETCD_MEMBERS || etcdMembers % 2 == 0) {
            throw new IllegalArgumentException("--etcd-members " + etcdMembers + " is not allowed; use an odd number from 1"
                    + " to " + MAX_ETCD_MEMBERS + " (an even number tolerates no more failures than one member fewer)");
        }
    }

    /** Today's testbed: the nodes reach the one etcd on this host through the forwarder. */
    Layout(int nodes, int workloadsPerNode, Mode mode, Path varDir, String prefix) {
        this(nodes, workloadsPerNode, mode, varDir, prefix, 1);
    }

    /** The layout of the testbed that {@code state} describes. */
    static Layout of(State state, Path varDir) {
        return new Layout(Math.max(1, state.nodesWanted), state.workloadsPerNode,
                state.mode == null ? Mode.VXLAN : Mode.parse(state.mode), varDir, state.prefix,
                Math.max(1, state.etcdMembersWanted));
    }

    static String nodeName(int i) {
        return "node" + i;
    }

    String underlay() {
        return prefix + "underlay";
    }

    /**
     * Where the top-of-rack router runs: in the underlay namespace, on the bridge's gateway address. That namespace
     * already is the rack's router (every node's default route points at it), so the routes BIRD learns serve the
     * whole underlay, as a real ToR's do, and the router needs no address or namespace of its own.
     */
    String torNamespace() {
        return underlay();
    }

    static String torAddress() {
        return ETCD_ADDRESS;
    }

    String nodeNamespace(String node) {
        return prefix + node;
    }

    static Path netnsPath(String namespace) {
        return Path.of("/run/netns", namespace);
    }

    /** CrossSubnet puts odd nodes in one subnet and even nodes in another, so both kinds of pair exist. */
    int subnetOf(int i) {
        return mode.crossSubnet() && i % 2 == 0 ? 2 : 1;
    }

    String nodeAddress(int i) {
        return "10.99." + subnetOf(i) + "." + (10 + i) + "/24";
    }

    String gateway(int i) {
        return "10.99." + subnetOf(i) + ".1";
    }

    List<String> gatewayAddresses() {
        List<String> out = new ArrayList<>(List.of("10.99.1.1/24"));
        if (mode.crossSubnet()) {
            out.add("10.99.2.1/24");
        }
        return out;
    }

    /** True when the testbed runs its own etcd cluster (--etcd-members above 1) instead of using this host's etcd. */
    boolean etcdCluster() {
        return etcdMembers > 1;
    }

    /** What the nodes' services are told: etcd as seen from inside a node; every member of a cluster. */
    String etcdEndpointFromNodes() {
        if (!etcdCluster()) {
            return "http://" + ETCD_ADDRESS + ":" + ETCD_PORT;
        }
        List<String> urls = new ArrayList<>();
        for (int k = 1; k <= etcdMembers; k++) {
            urls.add(etcdMemberClientUrl(k));
        }
        return String.join(",", urls);
    }

    /** etcd member {@code k} (1-based) of a cluster: its name, also its namespace's suffix. */
    static String etcdMemberName(int k) {
        return "etcd" + k;
    }

    String etcdMemberNamespace(int k) {
        return prefix + etcdMemberName(k);
    }

    /**
     * Members sit in the first node subnet at .201 and up: nodes use .11 to .30 (20 nodes at most), the gateway .1,
     * so no node's address is ever a member's. CrossSubnet's second subnet reaches them through the gateway.
     */
    static String etcdMemberAddress(int k) {
        return "10.99.1." + (200 + k);
    }

    static String etcdMemberClientUrl(int k) {
        return "http://" + etcdMemberAddress(k) + ":" + ETCD_PORT;
    }

    static String etcdMemberPeerUrl(int k) {
        return "http://" + etcdMemberAddress(k) + ":" + ETCD_PEER_PORT;
    }

    /** Where member {@code k}'s data and log live: under the testbed's var dir, removed by down. */
    Path etcdMemberDir(int k) {
        return varDir.resolve("etcd").resolve(etcdMemberName(k));
    }

    String workloadNamespace(String workload) {
        return prefix + "w-" + workload;
    }

    Path nodeDir(String node) {
        return varDir.resolve(node);
    }
}
