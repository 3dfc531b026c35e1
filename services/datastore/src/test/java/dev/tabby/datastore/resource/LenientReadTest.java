package dev.tabby.datastore.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.codec.StoredResource;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A value another writer stored that Tabby would refuse to write (issue 11: reads lenient, writes strict) can be
 * listed, read, replaced and deleted, each read naming the problem; the services' strict reads still skip it.
 */
class LenientReadTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    private static final ResourceId ID = new ResourceId(Kind.IP_POOL, null, "odd");
    private static final String KEY = ResourceStore.key(ID);

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
    void storeAnOddPool() {
        kv.list(ResourceStore.prefix(Kind.IP_POOL, null)).entries().forEach(e -> kv.delete(e.key()));
        // A selector that does not parse is refused on write, but a hand-edited etcd (or a buggy writer) can hold it.
        kv.put(KEY, ("{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"IPPool\",\"metadata\":{\"name\":\"odd\","
                + "\"uid\":\"5f0e6b52-8d55-4a0c-b1d2-7c1d8e1f0a11\",\"creationTimestamp\":\"2021-03-01T10:00:00Z\"},"
                + "\"spec\":{\"cidr\":\"10.9.0.0/16\",\"blockSize\":26,\"nodeSelector\":\"zone ==\"}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void strictReadsRefuseItLenientReadsReturnItWithTheReason() {
        assertThrows(ManifestException.class, () -> store.get(ID));
        ResourceList strict = store.list(Kind.IP_POOL, null);
        assertEquals(0, strict.items().size());
        assertEquals(1, strict.unreadable().size());

        StoredResource s = store.getLenient(ID).orElseThrow();
        assertEquals("zone ==", ((IPPool) s.resource()).spec().nodeSelector());
        assertEquals(1, s.warnings().size());
        assertTrue(s.warnings().get(0).startsWith("etcd key " + KEY + ": spec.nodeSelector"), s.warnings().get(0));

        ResourceList lenient = store.listLenient(Kind.IP_POOL, null);
        assertEquals(1, lenient.items().size());
        assertEquals(s.warnings(), lenient.warnings());
        assertTrue(lenient.unreadable().isEmpty());
    }

    @Test
    void itCanBeReplacedWithAValidValueKeepingItsIdentity() {
        StoredResource before = store.getLenient(ID).orElseThrow();
        IPPool fixed = (IPPool) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: odd}
                spec: {cidr: 10.9.0.0/16, blockSize: 26, nodeSelector: zone == "a"}
                """).resources().get(0);
        store.update(fixed);
        IPPool now = (IPPool) store.get(ID).orElseThrow();
        assertEquals("zone == \"a\"", now.spec().nodeSelector());
        assertEquals("5f0e6b52-8d55-4a0c-b1d2-7c1d8e1f0a11", now.metadata().uid());
        assertEquals(before.resource().metadata().creationTimestamp(), now.metadata().creationTimestamp());
    }

    @Test
    void itCanBeDeleted() {
        assertEquals("odd", store.delete(ID, null).name());
        assertTrue(kv.get(KEY).isEmpty());
    }
}
