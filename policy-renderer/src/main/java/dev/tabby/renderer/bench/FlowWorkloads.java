package dev.tabby.renderer.bench;

import java.util.List;

/**
 * A node and two workloads on it, made as a node's workloads are made (Calico's CNI plugin, dataplane_linux.go): the
 * node is a network namespace of its own; each workload a namespace whose {@code eth0} is a veth to a {@code cali*}
 * interface on the node, with its /32, a link route to 169.254.1.1 and the default route via it; on the node a /32
 * link route to the workload, and on the {@code cali*} side proxy_arp, proxy_delay 0 and forwarding. One difference:
 * the node namespace has no uplink and so no default route, and proxy ARP answers only for addresses it can route, so
 * each workload gets a permanent neighbour entry for 169.254.1.1 (the {@code cali*} side's MAC) instead.
 *
 * <p>Sysctls for a connection rate no default allows, each in its own namespace only: the client may reuse its
 * TIME_WAIT ports after a second and has the whole port range (10,000 connections a second would run out of
 * 28,000 ports in 60 s of TIME_WAIT); the node's conntrack keeps a closed TCP entry {@value #CT_TIME_WAIT_S} s
 * instead of 120 s: the host's conntrack table (262,144 entries, shared by every namespace) would fill in 26 s at
 * 10,000 a second, and the flow records of allowed connections are made from their conntrack ends, which then come
 * within the round instead of two minutes after it.
 */
final class FlowWorkloads implements AutoCloseable {
    static final String CLIENT_IP = "10.65.0.1";
    static final String SERVER_IP = "10.65.0.2";
    static final String CLIENT_IFACE = "calif10c11e0001";
    static final String SERVER_IFACE = "calif10c5e77e02";
    static final int CT_TIME_WAIT_S = 1;
    /** ip_local_port_range 1024-65535 in the client. */
    static final int CLIENT_PORTS = 65535 - 1024 + 1;

    private final BenchNamespace node;
    private final BenchNamespace client;
    private final BenchNamespace server;

    private FlowWorkloads(BenchNamespace node, BenchNamespace client, BenchNamespace server) {
        this.node = node;
        this.client = client;
        this.server = server;
    }

    static FlowWorkloads create() {
        BenchNamespace node = BenchNamespace.create();
        BenchNamespace client = null;
        BenchNamespace server = null;
        try {
            client = BenchNamespace.create();
            server = BenchNamespace.create();
            FlowWorkloads w = new FlowWorkloads(node, client, server);
            sysctl(node, "net.ipv4.ip_forward", "1");
            w.attach(client, CLIENT_IFACE, CLIENT_IP);
            w.attach(server, SERVER_IFACE, SERVER_IP);
            sysctl(client, "net.ipv4.ip_local_port_range", "1024 65535");
            sysctl(client, "net.ipv4.tcp_tw_reuse", "1");
            sysctl(node, "net.netfilter.nf_conntrack_tcp_timeout_time_wait", Integer.toString(CT_TIME_WAIT_S));
            return w;
        } catch (RuntimeException e) {
            closeAll(server, client, node);
            throw e;
        }
    }

    private void attach(BenchNamespace workload, String iface, String ip) {
        Commands.run("ip", "-n", node.name(), "link", "add", iface, "type", "veth", "peer", "name", "eth0", "netns",
                workload.name());
        // "-br": "calif...@if2 DOWN 0a:1b:... <BROADCAST,...>"; the MAC is the third word.
        String mac = Commands.run("ip", "-n", node.name(), "-br", "link", "show", iface).strip().split("\\s+")[2];
        Commands.run("ip", "-n", node.name(), "link", "set", iface, "up");
        sysctl(node, "net.ipv4.conf." + iface + ".proxy_arp", "1");
        sysctl(node, "net.ipv4.neigh." + iface + ".proxy_delay", "0");
        sysctl(node, "net.ipv4.conf." + iface + ".forwarding", "1");
        Commands.run("ip", "-n", node.name(), "route", "add", ip + "/32", "dev", iface, "scope", "link");
        String ns = workload.name();
        Commands.run("ip", "-n", ns, "addr", "add", ip + "/32", "dev", "eth0");
        Commands.run("ip", "-n", ns, "link", "set", "eth0", "up");
        Commands.run("ip", "-n", ns, "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        Commands.run("ip", "-n", ns, "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
        Commands.run("ip", "-n", ns, "neigh", "replace", "169.254.1.1", "lladdr", mac, "dev", "eth0", "nud",
                "permanent");
    }

    private static void sysctl(BenchNamespace ns, String key, String value) {
        Commands.run("ip", "netns", "exec", ns.name(), "sysctl", "-q", "-w", key + "=" + value);
    }

    BenchNamespace node() {
        return node;
    }

    BenchNamespace client() {
        return client;
    }

    BenchNamespace server() {
        return server;
    }

    /** The node's iptables-save (the backend's tool the renderer chose is not known here: both are read). */
    String iptablesSave() {
        StringBuilder b = new StringBuilder();
        for (String tool : List.of("iptables-legacy-save", "iptables-nft-save")) {
            try {
                b.append(Commands.run("ip", "netns", "exec", node.name(), tool));
            } catch (RuntimeException e) {
                // that backend's tool is missing here: the other one holds the rules
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        closeAll(server, client, node);
    }

    private static void closeAll(BenchNamespace... all) {
        for (BenchNamespace ns : all) {
            if (ns != null) {
                ns.close();
            }
        }
    }
}
