package dev.tabby.datastore.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** libcalico-go release-v3.18 lib/clientv3/ippool.go's write rules, on a real etcd. */
class IpPoolRulesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    static KeyValueStore kv;
    static ResourceStore store;

    @BeforeAll
    static void connect() {
        kv = KeyValueStore.connect(ETCD.config());
        store = new ResourceStore(kv);
    }

    @AfterAll
    static void close() {
        kv.close();
    }

    @BeforeEach
    void empty() {
        for (String prefix : new String[] {"/calico/resources/", "/calico/ipam/"}) {
            kv.list(prefix).entries().forEach(e -> kv.delete(e.key()));
        }
    }

    private static Resource pool(String name, String spec) {
        return ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: %s}
                spec: %s
                """.formatted(name, spec)).resources().get(0);
    }

    private static FelixConfiguration.Spec felixDefault() {
        return store.get(new ResourceId(Kind.FELIX_CONFIGURATION, null, "default")).map(r -> ((FelixConfiguration) r).spec())
                .orElse(null);
    }

    @Test
    void aNewPoolMayNotOverlapAnotherAndNothingIsWritten() {
        store.create(pool("p1", "{cidr: 10.0.0.0/16}"));
        ResourceRefusedException e = assertThrows(ResourceRefusedException.class,
                () -> store.create(pool("p2", "{cidr: 10.0.128.0/17}")));
        assertEquals("spec.cidr: IPPool(p2) CIDR overlaps with IPPool(p1) CIDR 10.0.0.0/16", e.problems().get(0));
        assertThrows(ResourceRefusedException.class, () -> store.apply(pool("p2", "{cidr: 10.0.0.0/8}")),
                "apply creates, so the same rule");
        assertTrue(store.get(new ResourceId(Kind.IP_POOL, null, "p2")).isEmpty());
        store.create(pool("p3", "{cidr: 10.1.0.0/16}"));
    }

    @Test
    void cidrAndBlockSizeCannotChangeOnAnExistingPool() {
        store.create(pool("p1", "{cidr: 10.0.0.0/16}"));
        ResourceRefusedException e = assertThrows(ResourceRefusedException.class,
                () -> store.apply(pool("p1", "{cidr: 10.0.0.0/15}")));
        assertEquals("spec.cidr: IPPool CIDR cannot be modified (it is 10.0.0.0/16)", e.problems().get(0));
        e = assertThrows(ResourceRefusedException.class, () -> store.update(pool("p1", "{cidr: 10.0.0.0/16, blockSize: 28}")));
        assertEquals("spec.blockSize: IPPool BlockSize cannot be modified (it is 26)", e.problems().get(0));
        IPPool disabled = (IPPool) store.apply(pool("p1", "{cidr: 10.0.0.0/16, blockSize: 26, disabled: true}"));
        assertTrue(disabled.spec().disabled(), "other fields may change");
    }

    @Test
    void blocksOfAnotherSizeInTheRangeRefuseTheNewPool() {
        kv.put("/calico/ipam/v2/assignment/ipv4/block/10.9.0.0-26",
                "{\"cidr\":\"10.9.0.0/26\",\"affinity\":\"host:n1\",\"allocations\":[],\"unallocated\":[],\"attributes\":[]}"
                        .getBytes(StandardCharsets.UTF_8));
        ResourceRefusedException e = assertThrows(ResourceRefusedException.class,
                () -> store.create(pool("p9", "{cidr: 10.9.0.0/16, blockSize: 28}")));
        assertTrue(e.problems().get(0).startsWith("spec.blockSize: IPPool blocksSize conflicts with existing allocations"),
                e.problems().toString());
        store.create(pool("p9", "{cidr: 10.9.0.0/16}"));
    }

    @Test
    void anEncapsulatingPoolTurnsItsSwitchOnInTheDefaultFelixConfigurationUnlessSet() {
        store.create(pool("p1", "{cidr: 10.0.0.0/16, ipipMode: Always}"));
        assertEquals(Boolean.TRUE, felixDefault().ipipEnabled(), "created with ipipEnabled");
        store.apply(ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: default}
                spec: {ipipEnabled: true, vxlanEnabled: false, logSeverityScreen: Warning}
                """).resources().get(0));
        store.create(pool("p2", "{cidr: 10.1.0.0/16, vxlanMode: CrossSubnet}"));
        assertFalse(felixDefault().vxlanEnabled(), "an operator's false stands");
        store.apply(ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: default}
                spec: {logSeverityScreen: Warning}
                """).resources().get(0));
        store.create(pool("p3", "{cidr: 10.2.0.0/16, vxlanMode: Always}"));
        assertEquals(Boolean.TRUE, felixDefault().vxlanEnabled());
        assertEquals("Warning", felixDefault().logSeverityScreen(), "the other fields are kept");
        assertEquals(null, felixDefault().ipipEnabled(), "and no other switch is touched");
    }

    @Test
    void anEmptyResourceVersionMeansNoVersion() {
        Resource p = store.create(pool("p1", "{cidr: 10.0.0.0/16}"));
        Resource again = p.withMetadata(p.metadata().withResourceVersion(""));
        store.update(again);
        store.apply(again);
        assertThrows(IllegalArgumentException.class,
                () -> store.update(p.withMetadata(p.metadata().withResourceVersion("abc"))));
        store.delete(ResourceId.of(p), "");
    }
}
