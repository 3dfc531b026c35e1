package dev.tabby.datastore.syncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.local.LocalEtcdCluster;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.RecordingCallbacks;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A three-member etcd losing members while resources are written the way tabbyctl writes them ({@link ResourceStore},
 * compare-and-swap on resourceVersion) and watched the way the services watch them (the {@link Syncer}): nothing
 * may be lost or delivered twice, and readiness (the Syncer's IN_SYNC) must follow quorum.
 */
class EtcdClusterFailoverTest {

    private static final int RESOURCES = 200;
    private static final String PREFIX = ResourceStore.prefix(Kind.GLOBAL_NETWORK_SET, null);
    /** The services' bound (architecture.md, SyncerDatastoreLossTest): out of IN_SYNC within 10 s of losing etcd. */
    private static final Duration LEAVES_IN_SYNC_WITHIN = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Path dir;
    private LocalEtcdCluster cluster;

    @BeforeEach
    void startCluster() throws IOException {
        dir = Files.createTempDirectory("tabby-etcd-cluster-");
        cluster = LocalEtcdCluster.start(dir.resolve("cluster"), 3);
    }

    @AfterEach
    void removeCluster() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            EtcdExtension.deleteRecursively(dir);
        }
    }

    @Test
    void killingTheLeaderWhileResourcesAreWrittenLosesAndDoublesNothing() throws Exception {
        LocalEtcd leader = cluster.awaitLeader(WAIT);
        Writer writer = writeAndWatch(c -> leader.kill());
        LocalEtcd next = cluster.awaitLeader(WAIT);
        assertNotEquals(leader.name(), next.name(), "a new leader was elected");
        System.out.printf("leader %s killed after %d of %d writes: %d retried %s, %d confirmed by reading after a retry%n",
                leader.name(), writer.writesBeforeFault, writer.writes.get(), writer.retries.get(), writer.failures, writer.confirmedAfterRetry.get());
    }

    @Test
    void killingAFollowerLosesAndDoublesNothing() throws Exception {
        LocalEtcd follower = cluster.aFollower();
        Writer writer = writeAndWatch(c -> follower.kill());
        System.out.printf("follower %s killed after %d of %d writes: %d retried %s%n", follower.name(),
                writer.writesBeforeFault, writer.writes.get(), writer.retries.get(), writer.failures);
    }

    @Test
    void quorumLostTakesTheSyncerOutOfSyncAndItReturnsWithOnlyTheDifference() throws Exception {
        RecordingCallbacks watcher = new RecordingCallbacks();
        try (KeyValueStore kv = KeyValueStore.connect(cluster.clientConfig());
                KeyValueStore syncerKv = KeyValueStore.connect(cluster.clientConfig());
                Syncer syncer = new Syncer(syncerKv, SyncerConfig.of("quorum", List.of(PREFIX)), watcher)) {
            ResourceStore store = new ResourceStore(kv);
            for (int i = 0; i < 20; i++) {
                store.create(netset(i, false));
            }
            syncer.start();
            watcher.await(WAIT, "IN_SYNC with 20 resources",
                    r -> r.lastStatus() == SyncStatus.IN_SYNC && r.state().size() == 20);
            int statusesBefore = watcher.statuses().size();

            LocalEtcd leader = cluster.awaitLeader(WAIT);
            LocalEtcd follower = cluster.aFollower();
            leader.kill();
            follower.kill();
            watcher.await(LEAVES_IN_SYNC_WITHIN, "the status to leave IN_SYNC within 10 s of losing quorum",
                    r -> r.lastStatus() != SyncStatus.IN_SYNC);
            assertEquals(SyncStatus.WAIT_FOR_DATASTORE, syncer.status());
            int updatesDuringOutage = watcher.updates().size();

            leader.startAgain();
            follower.startAgain();
            // The difference: 3 changed, 2 deleted, 2 added, written as soon as quorum is back.
            for (int i = 0; i < 3; i++) {
                store.update(netset(i, true));
            }
            store.delete(id(3), null);
            store.delete(id(4), null);
            store.create(netset(100, false));
            store.create(netset(101, false));
            watcher.await(WAIT, "IN_SYNC again", r -> r.lastStatus() == SyncStatus.IN_SYNC);
            watcher.awaitState(WAIT, () -> cluster.etcdctl().getPrefix(PREFIX));

            List<SyncStatus> after = watcher.statuses().subList(statusesBefore, watcher.statuses().size());
            assertEquals(SyncStatus.WAIT_FOR_DATASTORE, after.get(0), after.toString());
            assertEquals(SyncStatus.IN_SYNC, after.get(after.size() - 1), after.toString());
            List<Update> delivered = watcher.updates().subList(updatesDuringOutage, watcher.updates().size());
            Map<String, Long> perKey = delivered.stream().collect(Collectors.groupingBy(Update::key, TreeMap::new,
                    Collectors.counting()));
            assertEquals(7, perKey.size(), "only the 7 keys that changed are delivered again: " + delivered);
            assertTrue(perKey.values().stream().allMatch(n -> n == 1), "each of them once: " + delivered);
            assertTrue(watcher.problems().isEmpty(), watcher.problems().toString());
        }
    }

    /**
     * Writes {@link #RESOURCES} GlobalNetworkSets (create, then a CAS update of each) while a Syncer watches them;
     * {@code fault} runs once a quarter of the writes are done. Then: every write the writer was told succeeded is in
     * etcd, the watcher holds exactly what etcd holds, each key was created once, and no change came twice.
     */
    private Writer writeAndWatch(Consumer<LocalEtcdCluster> fault) throws Exception {
        RecordingCallbacks watcher = new RecordingCallbacks();
        try (KeyValueStore kv = KeyValueStore.connect(cluster.clientConfig());
                KeyValueStore syncerKv = KeyValueStore.connect(cluster.clientConfig());
                Syncer syncer = new Syncer(syncerKv, SyncerConfig.of("failover", List.of(PREFIX)), watcher)) {
            syncer.start();
            watcher.awaitStatus(SyncStatus.IN_SYNC, WAIT);
            Writer writer = new Writer(new ResourceStore(kv));
            CompletableFuture<Void> writes = CompletableFuture.runAsync(writer::writeAll);
            while (writer.writes.get() < RESOURCES / 2 && !writes.isDone()) {
                Thread.sleep(5);
            }
            fault.accept(cluster);
            writer.writesBeforeFault = writer.writes.get();
            writes.get(5, TimeUnit.MINUTES);
            assertTrue(writer.writesBeforeFault < 2 * RESOURCES, "the fault came while writing");

            Map<String, KvEntry> inEtcd = cluster.etcdctl().getPrefix(PREFIX);
            assertEquals(RESOURCES, inEtcd.size(), "every resource is in etcd");
            writer.succeeded.forEach((key, revision) -> assertEquals(revision, inEtcd.get(key).modRevision(),
                    "the last write the writer was told succeeded is what etcd holds for " + key));
            for (KvEntry e : inEtcd.values()) {
                GlobalNetworkSet stored = (GlobalNetworkSet) ResourceCodec.fromStoredValue(Kind.GLOBAL_NETWORK_SET,
                        e.value(), e.modRevision(), e.key());
                assertEquals(2, stored.spec().nets().size(), "each resource in its final (updated) state: " + e.key());
            }
            watcher.awaitState(WAIT, () -> cluster.etcdctl().getPrefix(PREFIX));
            Map<String, Long> creates = watcher.updates().stream().filter(u -> u.kind() == Update.Kind.CREATED)
                    .collect(Collectors.groupingBy(Update::key, Collectors.counting()));
            assertEquals(RESOURCES, creates.size(), "a create delivered for every resource");
            assertTrue(creates.values().stream().allMatch(n -> n == 1), "no resource created twice: " + creates);
            assertTrue(watcher.updates().stream().noneMatch(Update::isDelete), "nothing deleted");
            // A change delivered twice shows as a revision that does not move forward.
            assertTrue(watcher.problems().isEmpty(), watcher.problems().toString());
            return writer;
        }
    }

    private static ResourceId id(int i) {
        return new ResourceId(Kind.GLOBAL_NETWORK_SET, null, name(i));
    }

    private static String name(int i) {
        return "set-" + i;
    }

    /** The set's first state holds one net; its final state two. */
    private static Resource netset(int i, boolean updated) {
        String nets = "10.1." + i + ".0/24" + (updated ? ", 10.2." + i + ".0/24" : "");
        return ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: "
                + name(i) + "\nspec:\n  nets: [" + nets + "]\n").resources().get(0);
    }

    /**
     * Writes as an operator does with tabbyctl: a failed write is tried again; a retried create that finds the
     * resource, or a retried update that finds the version moved, reads it back and accepts it only if it holds what
     * was written (the first attempt landed after all). CAS on resourceVersion is what rules out a double write.
     */
    private static final class Writer {
        final ResourceStore store;
        final Map<String, Long> succeeded = new ConcurrentHashMap<>();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger confirmedAfterRetry = new AtomicInteger();
        volatile int writesBeforeFault;
        final Set<String> failures = ConcurrentHashMap.newKeySet();

        Writer(ResourceStore store) {
            this.store = store;
        }

        void writeAll() {
            for (int i = 0; i < RESOURCES; i++) {
                Resource created = create(netset(i, false));
                update(created, netset(i, true));
            }
        }

        private Resource create(Resource r) {
            boolean retried = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    return record(store.create(r));
                } catch (ResourceExistsException e) {
                    if (!retried) {
                        throw new AssertionError(r.metadata().name() + " exists before it was written", e);
                    }
                    return confirm(r);
                } catch (DatastoreException e) {
                    retried = retryOrFail(e, deadline, r);
                }
            }
        }

        private Resource update(Resource current, Resource desired) {
            Resource cas = desired.withMetadata(desired.metadata().withResourceVersion(current.metadata().resourceVersion()));
            boolean retried = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    return record(store.update(cas));
                } catch (ResourceConflictException e) {
                    if (!retried) {
                        throw new AssertionError(desired.metadata().name() + " changed by someone else", e);
                    }
                    return confirm(desired);
                } catch (DatastoreException e) {
                    retried = retryOrFail(e, deadline, desired);
                }
            }
        }

        private boolean retryOrFail(DatastoreException e, long deadline, Resource r) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("writing " + r.metadata().name() + " still fails after " + WAIT, e);
            }
            retries.incrementAndGet();
            failures.add(e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", ie);
            }
            return true;
        }

        /** The first attempt landed although the writer was told it failed: etcd holds exactly what was written. */
        private Resource confirm(Resource written) {
            Resource stored = store.get(ResourceId.of(written)).orElseThrow(
                    () -> new AssertionError(written.metadata().name() + " neither written nor there"));
            assertEquals(((GlobalNetworkSet) written).spec(), ((GlobalNetworkSet) stored).spec(),
                    "the retried write found its own first attempt");
            confirmedAfterRetry.incrementAndGet();
            return record(stored);
        }

        private Resource record(Resource r) {
            succeeded.put(ResourceStore.key(ResourceId.of(r)), Long.parseLong(r.metadata().resourceVersion()));
            writes.incrementAndGet();
            return r;
        }
    }
}
