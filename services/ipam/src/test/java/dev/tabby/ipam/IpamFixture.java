package dev.tabby.ipam;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.Resource;
import io.etcd.jetcd.options.DeleteOption;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A clean Calico keyspace per test in the class's etcd, and shorthand for pools, nodes and raw keys. */
final class IpamFixture implements AutoCloseable {
    final KeyValueStore kv;
    final ResourceStore resources;

    IpamFixture(EtcdExtension etcd) {
        this.kv = KeyValueStore.connect(etcd.config());
        this.resources = new ResourceStore(kv);
        wipe();
    }

    void wipe() {
        try {
            kv.client().getKVClient().delete(EtcdKeys.bytes("/calico/"),
                    DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot wipe /calico/", e);
        }
    }

    void pool(String name, String cidr, Integer blockSize, boolean disabled, String nodeSelector) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n  cidr: ").append(cidr).append('\n');
        if (blockSize != null) {
            y.append("  blockSize: ").append(blockSize).append('\n');
        }
        if (disabled) {
            y.append("  disabled: true\n");
        }
        if (nodeSelector != null) {
            y.append("  nodeSelector: '").append(nodeSelector).append("'\n");
        }
        create(y.toString());
    }

    void pool(String name, String cidr, int blockSize) {
        pool(name, cidr, blockSize, false, null);
    }

    void node(String name, Map<String, String> labels) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: ").append(name)
                .append('\n');
        if (!labels.isEmpty()) {
            y.append("  labels:\n");
            labels.forEach((k, v) -> y.append("    ").append(k).append(": '").append(v).append("'\n"));
        }
        for (Resource r : ResourceCodec.read(y.toString()).resources()) {
            resources.apply(r); // a test may relabel a node its setup created
        }
    }

    private void create(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            resources.create(r);
        }
    }

    Optional<String> raw(String key) {
        return kv.get(key).map(KvEntry::valueAsString);
    }

    Optional<AllocationBlock> block(String cidr) {
        String key = IpamKeys.block(Cidr.parse(cidr));
        return kv.get(key).map(e -> IpamJson.decodeBlock(key, e.value()));
    }

    /** Every key under a prefix with its value, for asserting on what is stored. */
    Map<String, String> dump(String prefix) {
        return kv.list(prefix).entries().stream().collect(Collectors.toMap(KvEntry::key,
                e -> new String(e.value(), StandardCharsets.UTF_8), (a, b) -> a, TreeMap::new));
    }

    @Override
    public void close() {
        kv.close();
    }
}
