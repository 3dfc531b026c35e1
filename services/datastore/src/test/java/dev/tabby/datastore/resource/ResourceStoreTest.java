package dev.tabby.datastore.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Typed CRUD on a real etcd: Calico's key layout, compare-and-swap on resourceVersion, typed errors. */
class ResourceStoreTest {
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

    private static Resource parse(String yaml) {
        return ResourceCodec.read(yaml).resources().get(0);
    }

    private static Resource netset(String name, String... nets) {
        return parse("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: " + name
                + "\nspec:\n  nets: [" + String.join(",", nets) + "]\n");
    }

    @Test
    void createStoresUnderCalicosKeyAndGetReadsItBack() {
        Resource policy = parse("""
                apiVersion: projectcalico.org/v3
                kind: NetworkPolicy
                metadata:
                  name: allow-db
                  namespace: prod
                spec:
                  selector: app == 'db'
                  ingress:
                  - action: Allow
                """);
        Resource created = store.create(policy);
        assertNotNull(created.metadata().uid());
        assertNotNull(created.metadata().creationTimestamp());
        String key = "/calico/resources/v3/projectcalico.org/networkpolicies/prod/allow-db";
        var raw = kv.get(key).orElseThrow();
        assertEquals(created.metadata().resourceVersion(), Long.toString(raw.modRevision()));
        String json = new String(raw.value(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"kind\":\"NetworkPolicy\""), json);
        assertTrue(!json.contains("resourceVersion"), "the mod revision is not stored in the value: " + json);
        Resource got = store.get(new ResourceId(Kind.NETWORK_POLICY, "prod", "allow-db")).orElseThrow();
        assertEquals(created, got);
        assertEquals(List.of("Ingress"), ((NetworkPolicy) got).spec().types());
    }

    @Test
    void createTwiceIsATypedError() {
        store.create(netset("twice", "10.0.0.0/8"));
        ResourceExistsException e = assertThrows(ResourceExistsException.class, () -> store.create(netset("twice", "10.1.0.0/16")));
        assertEquals("GlobalNetworkSet \"twice\" already exists; use apply or replace to change it", e.getMessage());
        assertEquals(List.of("10.0.0.0/8"), ((GlobalNetworkSet) store.get(e.id()).orElseThrow()).spec().nets());
    }

    @Test
    void updateWithStaleVersionConflictsAndWritesNothing() {
        Resource v1 = store.create(netset("stale", "10.0.0.0/8"));
        Resource v2 = store.update(netset("stale", "10.2.0.0/16").withMetadata(v1.metadata().withLabels(Map.of("a", "b"))));
        assertEquals(v1.metadata().uid(), v2.metadata().uid(), "uid survives updates");
        Resource stale = netset("stale", "10.3.0.0/16").withMetadata(v1.metadata());
        ResourceConflictException e = assertThrows(ResourceConflictException.class, () -> store.update(stale));
        assertEquals(Long.parseLong(v1.metadata().resourceVersion()), e.expectedResourceVersion());
        assertEquals(Long.parseLong(v2.metadata().resourceVersion()), e.currentResourceVersion());
        assertEquals(v2, store.get(ResourceId.of(v1)).orElseThrow());
        assertThrows(ResourceConflictException.class, () -> store.delete(ResourceId.of(v1), v1.metadata().resourceVersion()));
        store.delete(ResourceId.of(v1), v2.metadata().resourceVersion());
        assertTrue(store.get(ResourceId.of(v1)).isEmpty());
    }

    @Test
    void missingResourcesAreTypedErrors() {
        ResourceId id = new ResourceId(Kind.GLOBAL_NETWORK_SET, null, "never-created");
        assertThrows(ResourceNotFoundException.class, () -> store.delete(id, null));
        assertThrows(ResourceNotFoundException.class, () -> store.update(netset("never-created", "10.0.0.0/8")));
        Resource withVersion = netset("never-created", "10.0.0.0/8").withMetadata(ObjectMeta.named("never-created").withResourceVersion("5"));
        assertThrows(ResourceNotFoundException.class, () -> store.apply(withVersion),
                "apply with a resourceVersion must not silently re-create a deleted resource");
    }

    @Test
    void applyCreatesThenUpdates() {
        Resource a = store.apply(netset("applied", "10.0.0.0/8"));
        Resource b = store.apply(netset("applied", "10.9.0.0/16"));
        assertEquals(a.metadata().uid(), b.metadata().uid());
        assertTrue(Long.parseLong(b.metadata().resourceVersion()) > Long.parseLong(a.metadata().resourceVersion()));
    }

    @Test
    void listByNamespaceOrAllAndReportsUnreadableValues() {
        for (String ns : List.of("ns-a", "ns-b")) {
            store.create(parse("apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata:\n  name: set1\n  namespace: "
                    + ns + "\nspec:\n  nets: [192.0.2.0/24]\n"));
        }
        assertEquals(1, store.list(Kind.NETWORK_SET, "ns-a").items().size());
        assertEquals(2, store.list(Kind.NETWORK_SET, null).items().size());
        kv.put(ResourceStore.prefix(Kind.NETWORK_SET, "ns-c") + "broken", "{not json".getBytes(StandardCharsets.UTF_8));
        ResourceList all = store.list(Kind.NETWORK_SET, null);
        assertEquals(2, all.items().size(), "a corrupt value hides nothing else");
        assertEquals(1, all.unreadable().size());
        assertTrue(all.unreadable().get(0).startsWith("etcd key /calico/resources/v3/projectcalico.org/networksets/ns-c/broken: not JSON"),
                all.unreadable().get(0));
    }

    @Test
    void concurrentLabelWritersLoseNothing() throws Exception {
        store.create(netset("counter", "10.0.0.0/8"));
        ResourceId id = new ResourceId(Kind.GLOBAL_NETWORK_SET, null, "counter");
        int writers = 4;
        int each = 15;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Integer>> conflicts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            conflicts.add(pool.submit(() -> {
                int lost = 0;
                for (int i = 0; i < each; ) {
                    Resource r = store.get(id).orElseThrow();
                    Map<String, String> labels = new HashMap<>(r.metadata().labelsOrEmpty());
                    labels.put("w" + writer + "-" + i, "x");
                    try {
                        store.update(r.withMetadata(r.metadata().withLabels(labels)));
                        i++;
                    } catch (ResourceConflictException e) {
                        lost++;
                    }
                }
                return lost;
            }));
        }
        int totalConflicts = 0;
        for (Future<Integer> f : conflicts) {
            totalConflicts += f.get();
        }
        pool.shutdown();
        assertEquals(writers * each, store.get(id).orElseThrow().metadata().labels().size(),
                "every successful write is kept; " + totalConflicts + " lost races were retried");
    }
}
