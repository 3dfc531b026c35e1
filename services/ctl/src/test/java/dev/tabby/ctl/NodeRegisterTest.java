package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.ctl.node.NodeRegistration;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.v3.ClusterInformation;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tabbyctl node register}: address autodetection in a namespace the test made, Node and defaults in etcd. */
class NodeRegisterTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final NamespaceExtension namespaces = new NamespaceExtension();

    Tabbyctl ctl;
    KeyValueStore kv;
    ResourceStore store;
    TestNamespace host;

    @BeforeEach
    void setUp() {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        kv = KeyValueStore.connect(ETCD.config());
        store = new ResourceStore(kv);
        kv.list("/calico/").entries().forEach(e -> kv.delete(e.key()));
        // A host with a container veth (excluded by first-found), an uplink and a second network.
        host = namespaces.create();
        host.ip("link", "set", "lo", "up");
        host.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        host.ip("addr", "add", "172.31.9.1/24", "dev", "veth0");
        host.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        host.ip("addr", "add", "10.20.0.5/24", "dev", "eth0");
        host.ip("link", "add", "eth1", "type", "veth", "peer", "name", "eth1p");
        host.ip("addr", "add", "10.30.0.5/16", "dev", "eth1");
        for (String dev : new String[] {"veth0", "eth0", "eth1"}) {
            host.ip("link", "set", dev, "up");
        }
        host.ip("route", "add", "198.51.100.0/24", "via", "10.30.0.1", "dev", "eth1", "onlink");
    }

    @AfterEach
    void close() {
        kv.close();
    }

    /**
     * {@code tabbyctl node register} as it runs on the node, detecting addresses in the test's namespace: the CLI has
     * no namespace option (it always looks at its own), so this calls the registration it runs, with the namespace.
     */
    private Tabbyctl.Result register(String name, String... options) {
        String ip = "autodetect";
        String method = "first-found";
        String asn = null;
        boolean pool = true;
        String ipip = "Always";
        String vxlan = "Never";
        for (int i = 0; i < options.length; i++) {
            switch (options[i]) {
                case "--ip" -> ip = options[++i];
                case "--ip-autodetection-method" -> method = options[++i];
                case "--as-number" -> asn = options[++i];
                case "--no-default-pool" -> pool = false;
                case "--default-pool-ipip-mode" -> ipip = options[++i];
                case "--default-pool-vxlan-mode" -> vxlan = options[++i];
                default -> throw new IllegalArgumentException(options[i]);
            }
        }
        NodeRegistration.Request req = new NodeRegistration.Request(name, ip, method, "none", "first-found", asn, host.path(),
                pool ? new NodeRegistration.DefaultPool("192.168.0.0/16", 26, ipip, vxlan) : null, "k8s,bgp");
        try {
            return new Tabbyctl.Result(0, String.join("\n", NodeRegistration.register(store, req)) + "\n", "");
        } catch (RuntimeException e) {
            return new Tabbyctl.Result(1, "", "tabbyctl: " + e.getMessage() + "\n");
        }
    }

    private Node node(String name) {
        return (Node) store.get(new ResourceId(Kind.NODE, null, name)).orElseThrow();
    }

    @Test
    void firstFoundSkipsContainerInterfacesAndCreatesDefaults() {
        Tabbyctl.Result r = register("node-a", "--default-pool-ipip-mode", "Never", "--default-pool-vxlan-mode", "Always");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("10.20.0.5/24", node("node-a").spec().bgp().ipv4Address(), "first-found skips veth*");
        assertTrue(r.out().startsWith("Node node-a created: IPv4 10.20.0.5/24 on eth0\n"), r::toString);
        IPPool pool = (IPPool) store.get(new ResourceId(Kind.IP_POOL, null, "default-ipv4-ippool")).orElseThrow();
        assertEquals("192.168.0.0/16", pool.spec().cidr());
        assertEquals("Always", pool.spec().vxlanMode());
        assertEquals(26, pool.spec().blockSize());
        assertTrue(pool.spec().natOutgoing());
        assertTrue(store.get(new ResourceId(Kind.FELIX_CONFIGURATION, null, "default")).isPresent());
        assertTrue(store.get(new ResourceId(Kind.CLUSTER_INFORMATION, null, "default")).isPresent());

        // Registering again updates the same Node and creates no second pool.
        Tabbyctl.Result again = register("node-a");
        assertEquals("Node node-a updated: IPv4 10.20.0.5/24 on eth0\n", again.out());
        assertEquals(1, store.list(Kind.IP_POOL, null).items().size());
    }

    @Test
    void everyAutodetectionMethod() {
        String ns = host.path().toString();
        register("m1", "--ip-autodetection-method", "interface=eth1", "--no-default-pool");
        assertEquals("10.30.0.5/16", node("m1").spec().bgp().ipv4Address());
        register("m2", "--ip-autodetection-method", "can-reach=198.51.100.7",
                "--ip", "autodetect", "--no-default-pool", "--as-number", "64512");
        // m2 would take m1's address: refused, and the message says by whom.
        Tabbyctl.Result taken = register("m2", "--ip-autodetection-method", "can-reach=198.51.100.7", "--no-default-pool");
        assertEquals(1, taken.exitCode());
        assertTrue(taken.err().startsWith("tabbyctl: address 10.30.0.5 is already held by node m1"), taken::toString);
        ctl.run("delete", "node", "m1");
        assertEquals(0, register("m2", "--ip-autodetection-method",
                "can-reach=198.51.100.7", "--no-default-pool", "--as-number", "64512").exitCode());
        assertEquals("10.30.0.5/16", node("m2").spec().bgp().ipv4Address(), "the route to 198.51.100.0/24 leaves by eth1");
        assertEquals(64512, node("m2").spec().bgp().asNumber().value());
        assertEquals(1, register("m3", "--ip-autodetection-method",
                "skip-interface=eth0", "--no-default-pool").exitCode(), "m3 would take eth1's address, held by m2");
        Tabbyctl.Result onlyVeth = register("m4", "--ip-autodetection-method",
                "skip-interface=eth0,eth1", "--no-default-pool");
        assertEquals(1, onlyVeth.exitCode(), "with both uplinks skipped only veth0 is left, and container interfaces are never chosen");
        assertTrue(onlyVeth.err().contains("found no IPv4 address"), onlyVeth::toString);
    }

    @Test
    void cidrMethodAndErrors() {
        String ns = host.path().toString();
        assertEquals(0, register("c1", "--ip-autodetection-method",
                "cidr=10.30.0.0/16", "--no-default-pool").exitCode());
        assertEquals("10.30.0.5/16", node("c1").spec().bgp().ipv4Address());
        Tabbyctl.Result none = register("c2", "--ip-autodetection-method",
                "cidr=192.0.2.0/24", "--no-default-pool");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().startsWith("tabbyctl: IP autodetection (cidr=192.0.2.0/24) found no IPv4 address; host addresses: "), none::toString);
        Tabbyctl.Result bad = ctl.run("node", "register", "--name", "c3", "--ip-autodetection-method", "nearest");
        assertEquals("tabbyctl: IP autodetection method \"nearest\": unknown method; use first-found, can-reach=DEST, "
                + "interface=REGEX, skip-interface=REGEX or cidr=CIDR\n", bad.err());
        Tabbyctl.Result given = ctl.run("node", "register", "--name", "c4", "--ip", "10.99.0.1/24", "--no-default-pool");
        assertEquals(0, given.exitCode(), given::toString);
        assertEquals("10.99.0.1/24", node("c4").spec().bgp().ipv4Address());
        assertEquals(1, ctl.run("node", "register", "--name", "Bad_Name", "--ip", "10.99.0.2/24").exitCode());
    }

    /** calico-node's ensureDefaultConfig and libcalico-go's ensureClusterInformation (client.go), on existing values. */
    @Test
    void defaultsAreEnsuredAsCalicoNodeEnsuresThem() {
        kv.put("/calico/resources/v3/projectcalico.org/clusterinformations/default", ("{\"apiVersion\":\"projectcalico.org/v3\","
                + "\"kind\":\"ClusterInformation\",\"metadata\":{\"name\":\"default\"},\"spec\":{\"clusterType\":\"k8s,kubeadm\","
                + "\"calicoVersion\":\"v3.17.2\",\"datastoreReady\":false}}").getBytes());
        kv.put("/calico/resources/v3/projectcalico.org/felixconfigurations/default", ("{\"apiVersion\":\"projectcalico.org/v3\","
                + "\"kind\":\"FelixConfiguration\",\"metadata\":{\"name\":\"default\"},\"spec\":{\"logSeverityScreen\":\"Warning\"}}")
                .getBytes());
        Tabbyctl.Result r = register("node-b", "--no-default-pool");
        assertEquals(0, r.exitCode(), r::toString);

        ClusterInformation ci = (ClusterInformation) store.get(new ResourceId(Kind.CLUSTER_INFORMATION, null, "default")).orElseThrow();
        assertEquals("k8s,kubeadm,bgp", ci.spec().clusterType(), "this node's types are added after the stored ones, once");
        assertEquals(Boolean.FALSE, ci.spec().datastoreReady(), "an explicit false stays");
        assertTrue(ci.spec().clusterGUID().matches("[0-9a-f]{32}"), ci.spec().clusterGUID());
        assertEquals("v3.18.0-tabby", ci.spec().calicoVersion(), "the version is brought up to date");
        assertEquals(null, ci.spec().variant(), "v3.18's calico-node writes no variant");

        FelixConfiguration global = (FelixConfiguration) store.get(new ResourceId(Kind.FELIX_CONFIGURATION, null, "default")).orElseThrow();
        assertEquals("Warning", global.spec().logSeverityScreen(), "a value already set is kept");
        assertEquals("0s", global.spec().reportingInterval());
        FelixConfiguration perNode = (FelixConfiguration) store.get(
                new ResourceId(Kind.FELIX_CONFIGURATION, null, "node.node-b")).orElseThrow();
        assertEquals("Return", perNode.spec().defaultEndpointToHostAction(), "workloads may reach their host by default");
        assertTrue(r.out().contains("FelixConfiguration node.node-b created (defaultEndpointToHostAction: Return)\n"), r::toString);

        String guid = ci.spec().clusterGUID();
        register("node-b", "--no-default-pool");
        assertEquals(guid, ((ClusterInformation) store.get(new ResourceId(Kind.CLUSTER_INFORMATION, null, "default"))
                .orElseThrow()).spec().clusterGUID(), "the GUID is made once");
    }
}
