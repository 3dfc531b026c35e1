package dev.tabby.datastore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyValueStoreTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private KeyValueStore store;

    @BeforeEach
    void connect() {
        store = KeyValueStore.connect(ETCD.config());
    }

    @AfterEach
    void disconnect() {
        store.close();
    }

    @Test
    void createGetUpdateDeleteReturnRevisions() {
        long created = store.create("/crud/a", bytes("one"));
        KvEntry entry = store.get("/crud/a").orElseThrow();
        assertEquals("one", entry.valueAsString());
        assertEquals(created, entry.modRevision());
        assertEquals(created, entry.createRevision());

        long updated = store.update("/crud/a", bytes("two"), created);
        assertTrue(updated > created);
        KvEntry after = store.get("/crud/a").orElseThrow();
        assertEquals("two", after.valueAsString());
        assertEquals(updated, after.modRevision());
        assertEquals(created, after.createRevision());

        long deleted = store.delete("/crud/a", updated);
        assertTrue(deleted > updated);
        assertTrue(store.get("/crud/a").isEmpty());
    }

    @Test
    void createTwiceIsAlreadyExists() {
        long rev = store.create("/dup/a", bytes("x"));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> store.create("/dup/a", bytes("y")));
        assertEquals(rev, e.currentModRevision());
        assertTrue(e.getMessage().contains("/dup/a"), e.getMessage());
        assertEquals("x", store.get("/dup/a").orElseThrow().valueAsString());
    }

    @Test
    void updateWithStaleRevisionIsConflict() {
        long first = store.create("/stale/a", bytes("1"));
        long second = store.update("/stale/a", bytes("2"), first);
        ConflictException e = assertThrows(ConflictException.class, () -> store.update("/stale/a", bytes("3"), first));
        assertEquals(first, e.expectedModRevision());
        assertEquals(second, e.currentModRevision());
        assertTrue(e.getMessage().contains("/stale/a") && e.getMessage().contains("re-read"), e.getMessage());
        assertEquals("2", store.get("/stale/a").orElseThrow().valueAsString());
    }

    @Test
    void deleteWithStaleRevisionIsConflictAndKeepsTheKey() {
        long first = store.create("/stale-del/a", bytes("1"));
        long second = store.update("/stale-del/a", bytes("2"), first);
        ConflictException e = assertThrows(ConflictException.class, () -> store.delete("/stale-del/a", first));
        assertEquals(second, e.currentModRevision());
        assertTrue(store.get("/stale-del/a").isPresent());
    }

    @Test
    void updateOrDeleteOfMissingKeyIsNotFound() {
        assertThrows(NotFoundException.class, () -> store.update("/missing/a", bytes("x"), 5));
        assertThrows(NotFoundException.class, () -> store.delete("/missing/a", 5));
        assertThrows(NotFoundException.class, () -> store.delete("/missing/a"));
        assertThrows(IllegalArgumentException.class, () -> store.update("/missing/a", bytes("x"), 0));
        assertTrue(store.get("/missing/a").isEmpty(), "revision 0 must not create the key");
    }

    @Test
    void listReturnsOneConsistentSnapshotAcrossPages() {
        for (int i = 0; i < 25; i++) {
            store.create(String.format("/paged/k%02d", i), bytes("v" + i));
        }
        store.create("/pagedX", bytes("not under /paged/"));
        ListResult first = store.list("/paged/", 0, 7);
        assertEquals(25, first.entries().size());
        assertEquals("/paged/k00", first.entries().get(0).key());
        assertEquals("/paged/k24", first.entries().get(24).key());

        // Changes after the list's revision are invisible to a list at that revision.
        store.delete("/paged/k03");
        store.put("/paged/k99", bytes("new"));
        ListResult again = store.list("/paged/", first.revision(), 4);
        assertEquals(first.entries(), again.entries());
        assertEquals(25, store.list("/paged/").entries().size());
        assertTrue(store.list("/paged/").revision() > first.revision());
    }

    @Test
    void listOfSeveralPrefixesIsOneSnapshotWhileOneOfThemChanges() throws Exception {
        for (int i = 0; i < 10; i++) {
            store.create("/multi/a/k" + i, bytes("a" + i));
            store.create("/multi/b/k" + i, bytes("b" + i));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writes = writer.submit(() -> {
            for (int n = 0; !stop.get(); n++) {
                store.put("/multi/b/k" + n % 10, bytes("w" + n));
            }
        });
        try {
            for (int round = 0; round < 20; round++) {
                List<ListResult> both = store.list(List.of("/multi/a/", "/multi/b/"), 0, 3);
                long revision = both.get(0).revision();
                assertEquals(revision, both.get(1).revision());
                assertEquals(store.list("/multi/a/", revision, 100).entries(), both.get(0).entries());
                assertEquals(store.list("/multi/b/", revision, 100).entries(), both.get(1).entries());
            }
        } finally {
            stop.set(true);
            writes.get();
            writer.shutdown();
        }
    }

    @Test
    void concurrentReadModifyWriteLosesNoIncrement() throws Exception {
        String key = "/counter/n";
        store.create(key, bytes("0"));
        int writers = 8;
        int incrementsEach = 25;
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < incrementsEach; i++) {
                        while (true) {
                            KvEntry current = store.get(key).orElseThrow();
                            int next = Integer.parseInt(current.valueAsString()) + 1;
                            try {
                                store.update(key, bytes(Integer.toString(next)), current.modRevision());
                                break;
                            } catch (ConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(writers * incrementsEach, Integer.parseInt(store.get(key).orElseThrow().valueAsString()));
        assertTrue(conflicts.get() > 0, "the test should have produced contention");
    }

    @Test
    void unreachableEtcdFailsFastWithEndpointAndCause() {
        // A port that was free a moment ago: nothing listens there.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        EtcdConfig config = EtcdConfig.plain(URI.create("http://127.0.0.1:" + port)).withTimeout(Duration.ofSeconds(2));
        try (KeyValueStore down = KeyValueStore.connect(config)) {
            long start = System.nanoTime();
            DatastoreUnavailableException e = assertThrows(DatastoreUnavailableException.class, () -> down.get("/x"));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 5000, "took " + tookMs + " ms");
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertTrue(e.getMessage().contains("get /x"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
