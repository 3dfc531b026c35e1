package dev.tabby.ipip.service;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.Resource;
import dev.tabby.netlink.testing.TestNamespace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the service needs under test on this machine, whose kernel has no ipip: a real etcd holding an IP-in-IP pool,
 * this node and one remote node with a block, and a network namespace (this node's address on eth0) to program.
 */
public class IpipServiceResource implements QuarkusTestResourceLifecycleManager {
    static final String NODE = "svc-node";
    static final String REMOTE = "svc-remote";
    static final String REMOTE_BLOCK = "10.66.7.0/26";

    private Path dir;
    private LocalEtcd etcd;
    private TestNamespace ns;
    static Path lastDir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("tabby-ipip-service-");
            lastDir = dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        etcd = LocalEtcd.start(dir.resolve("etcd"));
        ns = TestNamespace.create();
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        ns.ip("addr", "add", "10.250.9.1/24", "dev", "eth0");
        ns.ip("link", "set", "eth0", "up");
        ns.ip("link", "set", "eth0p", "up");
        try (KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            ResourceStore resources = new ResourceStore(kv);
            resources.create(yaml("kind: IPPool\nmetadata:\n  name: ipip-pool\nspec:\n  cidr: 10.66.0.0/16\n"
                    + "  blockSize: 26\n  ipipMode: Always\n"));
            resources.create(yaml("kind: Node\nmetadata:\n  name: " + NODE + "\nspec:\n  bgp:\n    ipv4Address: 10.250.9.1/24\n"));
            resources.create(yaml("kind: Node\nmetadata:\n  name: " + REMOTE + "\nspec:\n  bgp:\n"
                    + "    ipv4Address: 10.250.9.2/24\n    ipv4IPIPTunnelAddr: 10.66.7.1\n"));
            Cidr block = Cidr.parse(REMOTE_BLOCK);
            kv.put(IpamKeys.block(block), IpamJson.encode(AllocationBlock.create(block, REMOTE)));
        }
        return Map.of("TABBY_ETCD_ENDPOINTS", etcd.endpoint().toString(),
                "tabby.ipip.node", NODE,
                TestNetlinkProducer.NETNS_PROPERTY, ns.path().toString(),
                "tabby.ipip.mtu-file", dir.resolve("var-lib-tabby").resolve("mtu").toString(),
                "tabby.ipip.resync-interval", "5s");
    }

    private static Resource yaml(String text) {
        return ResourceCodec.read("apiVersion: projectcalico.org/v3\n" + text).resources().get(0);
    }

    @Override
    public void stop() {
        if (ns != null) {
            ns.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        EtcdExtension.deleteRecursively(dir);
    }
}
