package dev.tabby.vxlan.testing;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Ipam;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import dev.tabby.vxlan.agent.AgentSettings;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.plan.VtepMac;
import io.etcd.jetcd.options.DeleteOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A small VXLAN cluster in network namespaces: an "underlay" namespace with a bridge (and, when nodes sit in several
 * subnets, a gateway address per subnet so it routes between them), one namespace per node joined to the bridge by a
 * veth ({@code eth0}), and workloads attached the way Calico's CNI plugin attaches them: a veth {@code caliN} on the
 * host with proxy ARP and a /32 route, and in the workload a /32 address with a default route via 169.254.1.1.
 * Addresses come from IPAM, so each node has an affine block. One {@link VxlanAgent} per node runs in this JVM.
 */
public final class TestCluster implements AutoCloseable {
    public static final String POOL_CIDR = "10.65.0.0/16";

    /** A node to build: its name and its underlay address with prefix, e.g. 10.250.1.1/24. */
    public record NodeDef(String name, String address) {
        public IpAddress ip() {
            return Cidr.parse(address).address();
        }

        Cidr subnet() {
            return Cidr.parse(address).network();
        }
    }

    public record Workload(String node, String name, TestNamespace ns, IpAddress ip) {
    }

    public final KeyValueStore kv;
    public final ResourceStore resources;
    public final Ipam ipam;
    private final NamespaceExtension netns;
    public final TestNamespace underlay;
    public final Map<String, NodeDef> defs = new LinkedHashMap<>();
    public final Map<String, TestNamespace> nodeNs = new LinkedHashMap<>();
    public final List<Workload> workloads = new ArrayList<>();
    private final Map<String, VxlanAgent> agents = new LinkedHashMap<>();
    private final Map<String, Netlink> handles = new LinkedHashMap<>();

    private TestCluster(KeyValueStore kv, NamespaceExtension netns) {
        this.kv = kv;
        this.resources = new ResourceStore(kv);
        this.ipam = new Ipam(kv);
        this.netns = netns;
        this.underlay = netns.create();
    }

    /** Builds the namespaces, the pool, the Node resources and the workloads; no agent runs yet. */
    public static TestCluster build(KeyValueStore kv, NamespaceExtension netns, String vxlanMode, int workloadsPerNode,
            NodeDef... nodes) {
        wipe(kv);
        TestCluster c = new TestCluster(kv, netns);
        try {
            c.underlay.ip("link", "add", "br0", "type", "bridge");
            c.underlay.ip("link", "set", "br0", "up");
            Set<Cidr> subnets = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
            for (NodeDef d : nodes) {
                subnets.add(d.subnet());
            }
            // The underlay routes between the subnets, and is every node's default gateway: hosts have a default
            // route, and proxy ARP on the cali* veths answers only for addresses the host has a route to.
            for (Cidr s : subnets) {
                c.underlay.ip("addr", "add", gateway(s) + "/" + s.prefixLength(), "dev", "br0");
            }
            c.underlay.netlink().sysctlSet("net/ipv4/ip_forward", "1");
            c.resources.create(Resources.pool("vxlan-pool", POOL_CIDR, vxlanMode));
            int i = 0;
            for (NodeDef d : nodes) {
                c.addNode(d, i++);
            }
            for (NodeDef d : nodes) {
                for (int w = 0; w < workloadsPerNode; w++) {
                    c.addWorkload(d.name(), w);
                }
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static String gateway(Cidr subnet) {
        byte[] b = subnet.address().bytes();
        b[3] = (byte) 254;
        return IpAddress.of(b).toString();
    }

    private void addNode(NodeDef d, int index) {
        defs.put(d.name(), d);
        TestNamespace ns = netns.create();
        nodeNs.put(d.name(), ns);
        String port = "u" + index;
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", underlay.name());
        underlay.ip("link", "set", port, "master", "br0");
        underlay.ip("link", "set", port, "up");
        ns.ip("addr", "add", d.address(), "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
        ns.ip("route", "add", "default", "via", gateway(d.subnet()), "dev", "eth0");
        ns.netlink().sysctlSet("net/ipv4/ip_forward", "1");
        resources.create(Resources.node(d.name(), d.address(), null, null));
    }

    /** A workload on {@code node}, attached as Calico's CNI plugin attaches one. */
    public Workload addWorkload(String node, int index) {
        String name = "wl-" + node + "-" + index;
        IpAddress ip = ipam.autoAssign(AutoAssignRequest.ipv4(node, name, 1)).ipv4().get(0).address();
        return attachWorkload(node, index, name, ip);
    }

    /** A workload on {@code node} with an address the caller allocated (e.g. one borrowed from another's block). */
    public Workload attachWorkload(String node, int index, String name, IpAddress ip) {
        TestNamespace host = nodeNs.get(node);
        TestNamespace w = netns.create();
        String cali = "cali" + index + Integer.toHexString(name.hashCode() & 0xfffff);
        host.ip("link", "add", cali, "type", "veth", "peer", "name", "eth0", "netns", w.name());
        w.ip("addr", "add", ip + "/32", "dev", "eth0");
        w.ip("link", "set", "eth0", "up");
        w.ip("route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        w.ip("route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
        host.ip("link", "set", cali, "up");
        Netlink nl = host.netlink();
        nl.sysctlSet("net/ipv4/conf/" + cali + "/proxy_arp", "1");
        nl.sysctlSet("net/ipv4/neigh/" + cali + "/proxy_delay", "0");
        host.ip("route", "add", ip + "/32", "dev", cali);
        Workload wl = new Workload(node, name, w, ip);
        workloads.add(wl);
        return wl;
    }

    /** Starts (or starts again, with no memory) the agent of {@code node}. */
    public VxlanAgent startAgent(String node, AgentSettings settings) {
        Netlink nl = Netlink.at(nodeNs.get(node).path());
        handles.put(node, nl);
        VxlanAgent agent = new VxlanAgent(kv, nl, settings).start();
        agents.put(node, agent);
        return agent;
    }

    public void startAgents(Duration resyncInterval) {
        for (String node : defs.keySet()) {
            startAgent(node, AgentSettings.defaults(node).withResyncInterval(resyncInterval));
        }
    }

    /** Stops the agent of {@code node} the way a crash would: nothing is cleaned up, the kernel keeps its state. */
    public void stopAgent(String node) {
        VxlanAgent a = agents.remove(node);
        if (a != null) {
            a.close();
        }
        Netlink nl = handles.remove(node);
        if (nl != null) {
            nl.close();
        }
    }

    public VxlanAgent agent(String node) {
        return agents.get(node);
    }

    public String ns(String node) {
        return nodeNs.get(node).name();
    }

    public Node nodeResource(String node) {
        return (Node) resources.get(new ResourceId(Kind.NODE, null, node)).orElseThrow();
    }

    /** The node's tunnel address as the datastore has it, or null. */
    public String tunnelAddress(String node) {
        return nodeResource(node).spec().ipv4VXLANTunnelAddr();
    }

    public Cidr blockOf(String node) {
        return workloads.stream().filter(w -> w.node().equals(node)).findFirst()
                .map(w -> new Cidr(w.ip(), 26).network()).orElseThrow();
    }

    /** What node {@code on} must hold for the nodes in {@code others}, as iproute2 prints it. */
    public Expected expected(String on, List<String> others, boolean crossSubnet) {
        Set<String> fdb = new TreeSet<>();
        Set<String> neigh = new TreeSet<>();
        Set<String> routes = new TreeSet<>();
        NodeDef me = defs.get(on);
        // Each node blackholes its own block (the rest of it must not leak to the default route).
        routes.add("blackhole " + blockOf(on));
        for (String other : others) {
            if (other.equals(on)) {
                continue;
            }
            NodeDef d = defs.get(other);
            String tunnel = tunnelAddress(other);
            String mac = VtepMac.derived(other).toString();
            fdb.add(mac + " dst " + d.ip() + " permanent");
            neigh.add(tunnel + " lladdr " + mac + " [PERMANENT]");
            if (crossSubnet && me.subnet().contains(d.ip())) {
                routes.add(blockOf(other) + " via " + d.ip() + " dev eth0");
            } else {
                routes.add(blockOf(other) + " via " + tunnel + " dev vxlan.calico onlink");
            }
        }
        return new Expected(fdb, neigh, routes);
    }

    public record Expected(Set<String> fdb, Set<String> neigh, Set<String> routes) {
        /** null when {@code ns} holds exactly this; else what differs. */
        public String mismatchIn(String ns) {
            Set<String> f = KernelView.fdb(ns);
            Set<String> n = KernelView.neigh(ns);
            Set<String> r = KernelView.routes(ns);
            if (f.equals(fdb) && n.equals(neigh) && r.equals(routes)) {
                return null;
            }
            return "fdb " + f + " want " + fdb + "; neigh " + n + " want " + neigh + "; routes " + r + " want " + routes;
        }
    }

    /** Waits until every listed node holds exactly the entries for the other listed nodes. */
    public void awaitConverged(List<String> nodes, boolean crossSubnet, Duration timeout) {
        Await.until(timeout, "kernel state of " + nodes, () -> {
            for (String n : nodes) {
                if (tunnelAddress(n) == null) {
                    return n + " has no tunnel address yet";
                }
            }
            for (String n : nodes) {
                String bad = expected(n, nodes, crossSubnet).mismatchIn(ns(n));
                if (bad != null) {
                    return n + ": " + bad;
                }
            }
            return null;
        });
    }

    /** {@code ping -c1} from one workload to another; null when it answered, else ping's output. */
    public static String ping(Workload from, IpAddress to) {
        Cmd.Result r = Cmd.exec("ip", "netns", "exec", from.ns().name(), "ping", "-n", "-c1", "-W1", to.toString());
        return r.exitCode() == 0 ? null : from.name() + " -> " + to + ": " + r.stdout().strip() + r.stderr().strip();
    }

    public static void wipe(KeyValueStore kv) {
        for (String prefix : List.of("/calico/", "/tabby/")) {
            try {
                kv.client().getKVClient().delete(EtcdKeys.bytes(prefix), DeleteOption.builder().isPrefix(true).build())
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot wipe " + prefix, e);
            }
        }
    }

    @Override
    public void close() {
        for (String node : List.copyOf(agents.keySet())) {
            stopAgent(node);
        }
        // The namespaces go with the NamespaceExtension after each test.
    }
}
