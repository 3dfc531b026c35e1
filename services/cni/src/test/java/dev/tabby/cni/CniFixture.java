package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import io.etcd.jetcd.options.DeleteOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One test's node: a namespace standing in for the host, a node name, a clean Calico keyspace in the class's etcd,
 * pools, network configurations that point at all of these, and the checks that nothing was left behind. The plugin
 * reaches the node's namespace because the test hands it over in code ({@link TestDaemon#node}, {@link #context}).
 */
final class CniFixture implements AutoCloseable {
    static final String NETWORK = "k8s-pod-network";
    private static final SecureRandom RANDOM = new SecureRandom();

    final KeyValueStore kv;
    final ResourceStore resources;
    final Ipam ipam;
    final TestNamespace host;
    final String node;
    private final EtcdExtension etcd;
    private final NamespaceExtension netns;

    CniFixture(EtcdExtension etcd, NamespaceExtension netns) {
        this.etcd = etcd;
        this.netns = netns;
        this.kv = KeyValueStore.connect(etcd.config());
        this.resources = new ResourceStore(kv);
        this.ipam = new Ipam(kv);
        wipe();
        this.host = netns.create();
        this.node = "node-" + hex(3);
        registerNode();
    }

    /** As calico-node does before the first pod: Calico's IPAM assigns automatically only to known nodes. */
    void registerNode() {
        create("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: " + node + "\n");
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A container ID as runtimes make them: 64 hex digits. */
    static String containerId() {
        return hex(32);
    }

    void wipe() {
        try {
            kv.client().getKVClient().delete(EtcdKeys.bytes("/calico/"), DeleteOption.builder().isPrefix(true).build())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot wipe /calico/", e);
        }
    }

    void pool(String name, String cidr, int blockSize) {
        create("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: " + name + "\nspec:\n  cidr: " + cidr
                + "\n  blockSize: " + blockSize + "\n");
    }

    void create(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            resources.create(r);
        }
    }

    TestNamespace container() {
        return netns.create();
    }

    /** The configuration a runtime would pass for this node, with {@code extra} JSON members appended. */
    String config(String cniVersion, String extra) {
        return "{\"cniVersion\":\"" + cniVersion + "\",\"name\":\"" + NETWORK + "\",\"type\":\"tabby\","
                + "\"etcd_endpoints\":\"" + etcd.config().endpointsText() + "\",\"nodename\":\"" + node + "\","
                + "\"log_level\":\"debug\","
                + "\"ipam\":{\"type\":\"tabby-ipam\"}" + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }

    String config() {
        return config("1.0.0", null);
    }

    /** A plugin context for this node, as a daemon running in {@link #host} would have. */
    dev.tabby.cni.plugin.PluginContext context(dev.tabby.cni.plugin.Datastores datastores, java.nio.file.Path mtuFile) {
        java.nio.file.Path ns = host.path();
        return TestDaemon.forNode(datastores, () -> ns, mtuFile);
    }

    String endpoint() {
        return etcd.config().endpointsText();
    }

    List<WorkloadEndpoint> endpoints() {
        return resources.list(Kind.WORKLOAD_ENDPOINT, null).items().stream().map(r -> (WorkloadEndpoint) r).toList();
    }

    /** IPAM handles, by key. */
    Map<String, String> handles() {
        return kv.list(IpamKeys.HANDLES).entries().stream().collect(Collectors.toMap(KvEntry::key, KvEntry::valueAsString));
    }

    /** Nothing of any workload on this node: no cali* device, no protocol-80 route, no WEP, no IPAM handle. */
    void assertNoLeftovers(List<String> containerIds) {
        List<String> calis = host.oracle().links().stream().map(l -> (String) l.get("ifname"))
                .filter(n -> n.startsWith("cali")).toList();
        assertEquals(List.of(), calis, "cali* interfaces left in the host namespace");
        List<Map<String, Object>> routes = new java.util.ArrayList<>(host.oracle().routes("all"));
        routes.addAll(host.oracle().routes6("all"));
        List<Map<String, Object>> ours = routes.stream().filter(r -> Integer.valueOf(80).equals(r.get("protocol"))
                || "80".equals(String.valueOf(r.get("protocol")))).toList();
        assertEquals(List.of(), ours, "routes with protocol 80 left in the host namespace");
        assertEquals(List.of(), endpoints(), "WorkloadEndpoints left in etcd");
        for (String id : containerIds) {
            String handle = NETWORK + "." + id;
            assertTrue(ipam.addressesOf(handle).isEmpty(), "addresses still held under " + handle);
            assertTrue(kv.get(IpamKeys.handle(handle)).isEmpty(), "IPAM handle " + handle + " left in etcd");
        }
    }

    @Override
    public void close() {
        kv.close();
    }
}
