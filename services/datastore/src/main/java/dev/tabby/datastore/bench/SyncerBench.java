package dev.tabby.datastore.bench;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.datastore.syncer.Syncer;
import dev.tabby.datastore.syncer.SyncerCallbacks;
import dev.tabby.datastore.syncer.SyncerConfig;
import dev.tabby.datastore.syncer.Update;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * How fast the syncer gets in sync with a Calico-sized datastore and how quickly it passes on
 * a change, against etcdctl's own watch as the floor.
 *
 * <pre>java -cp ... dev.tabby.datastore.bench.SyncerBench [--resources 10000] [--updates 1000]</pre>
 *
 * Starts its own etcd in a temp dir, removes everything it started when done. The last line
 * is machine-readable:
 * {@code BENCH syncer resources=N sync_s=S p50_ms=A p99_ms=B floor_p50_ms=C ratio=A/C}.
 */
public final class SyncerBench {

    private static final String PREFIX = "/calico/resources/v3/projectcalico.org/networkpolicies/";
    private static final int LOAD_BATCH = 100;
    private static final int WARM_UP_UPDATES = 200;
    private static final long OBSERVE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final int resources;
    private final int updates;
    private final Object seen = new Object();
    private final Map<Long, Long> syncerSeenAt = new ConcurrentHashMap<>();
    private final CountDownLatch inSync = new CountDownLatch(1);
    private final AtomicLong delivered = new AtomicLong();

    private SyncerBench(int resources, int updates) {
        this.resources = resources;
        this.updates = updates;
    }

    public static void main(String[] args) throws Exception {
        int resources = 10_000;
        int updates = 1_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--resources" -> resources = Integer.parseInt(args[++i]);
                case "--updates" -> updates = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: SyncerBench [--resources N] [--updates N]");
                    System.exit(2);
                }
            }
        }
        new SyncerBench(resources, updates).run();
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("tabby-syncer-bench-");
        try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("data"));
                KeyValueStore store = KeyValueStore.connect(etcd.clientConfig())) {
            List<String> keys = load(store);
            long heapBefore = usedHeapAfterGc();

            SyncerConfig config = SyncerConfig.of("bench", List.of(PREFIX));
            try (Syncer syncer = new Syncer(store, config, callbacks())) {
                long start = System.nanoTime();
                syncer.start();
                if (!inSync.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("syncer not in sync after 60 s");
                }
                double syncSeconds = (System.nanoTime() - start) / 1e9;
                long heapAfter = usedHeapAfterGc();
                System.out.printf("initial sync: %d resources delivered=%d in %.3f s; heap used after GC %.1f MB"
                        + " (%.1f MB more than before the syncer)%n", resources, delivered.get(), syncSeconds,
                        heapAfter / 1e6, (heapAfter - heapBefore) / 1e6);

                try (EtcdctlWatchFloor floor = new EtcdctlWatchFloor(etcd.etcdctl(), PREFIX, seen)) {
                    waitForFloorWatch(store, floor);
                    Random random = new Random(7);
                    measure(store, floor, keys, random, WARM_UP_UPDATES, null, null);
                    Latencies ours = new Latencies(updates);
                    Latencies floorLatencies = new Latencies(updates);
                    measure(store, floor, keys, random, updates, ours, floorLatencies);
                    double p50 = ours.percentileMillis(50);
                    double p99 = ours.percentileMillis(99);
                    double floorP50 = floorLatencies.percentileMillis(50);
                    System.out.printf("watch latency over %d updates (after %d warm-up): syncer p50=%.3f ms"
                            + " p99=%.3f ms; etcdctl watch p50=%.3f ms p99=%.3f ms; resyncs=%d%n", ours.count(),
                            WARM_UP_UPDATES, p50, p99, floorP50, floorLatencies.percentileMillis(99),
                            syncer.counters().resyncs());
                    System.out.printf("BENCH syncer resources=%d sync_s=%.3f p50_ms=%.3f p99_ms=%.3f"
                            + " floor_p50_ms=%.3f ratio=%.2f%n", resources, syncSeconds, p50, p99, floorP50,
                            p50 / floorP50);
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Writes the resources in transactions of 100; returns their keys. */
    private List<String> load(KeyValueStore store) {
        List<String> keys = new ArrayList<>(resources);
        List<KvEntry> batch = new ArrayList<>(LOAD_BATCH);
        for (int i = 0; i < resources; i++) {
            String namespace = "ns-" + (i % 100);
            String name = "policy-" + i;
            String key = PREFIX + namespace + "/" + name;
            keys.add(key);
            batch.add(new KvEntry(key, policyJson(namespace, name, 0), 0, 0));
            if (batch.size() == LOAD_BATCH) {
                store.putAll(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.putAll(batch);
        }
        return keys;
    }

    /**
     * Updates random resources one at a time; for each, the clock starts just before the put
     * and stops when the syncer's callback (resp. etcdctl) shows that revision.
     */
    private void measure(KeyValueStore store, EtcdctlWatchFloor floor, List<String> keys, Random random, int count,
            Latencies ours, Latencies floorLatencies) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            String[] parts = key.substring(PREFIX.length()).split("/");
            byte[] value = policyJson(parts[0], parts[1], i + 1);
            long sentAt = System.nanoTime();
            long revision = store.put(key, value);
            long deadline = sentAt + OBSERVE_TIMEOUT_NANOS;
            synchronized (seen) {
                while (syncerSeenAt.get(revision) == null || floor.seenAt(revision) == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("revision " + revision + " not observed within 5 s (syncer="
                                + syncerSeenAt.get(revision) + ", etcdctl=" + floor.seenAt(revision) + ")");
                    }
                    TimeUnit.NANOSECONDS.timedWait(seen, left);
                }
            }
            if (ours != null) {
                ours.add(syncerSeenAt.get(revision) - sentAt);
                floorLatencies.add(floor.seenAt(revision) - sentAt);
            }
            syncerSeenAt.remove(revision);
        }
    }

    /** etcdctl needs a moment to connect; poke a key until its watch shows the poke. */
    private void waitForFloorWatch(KeyValueStore store, EtcdctlWatchFloor floor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long revision = store.put(PREFIX + "bench-probe/ready", "{}".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(100);
            if (floor.seenAt(revision) != null) {
                return;
            }
        }
        throw new IllegalStateException("etcdctl watch did not start within 10 s");
    }

    private SyncerCallbacks callbacks() {
        return new SyncerCallbacks() {
            @Override
            public void onUpdates(List<Update> batch) {
                long now = System.nanoTime();
                delivered.addAndGet(batch.size());
                if (inSync.getCount() == 0) {
                    for (Update u : batch) {
                        syncerSeenAt.put(u.modRevision(), now);
                    }
                    synchronized (seen) {
                        seen.notifyAll();
                    }
                }
            }

            @Override
            public void onStatus(SyncStatus status) {
                if (status == SyncStatus.IN_SYNC) {
                    inSync.countDown();
                }
            }
        };
    }

    /** A NetworkPolicy of roughly 500 bytes, shaped like what calicoctl stores. */
    static byte[] policyJson(String namespace, String name, int generation) {
        String json = "{\"kind\":\"NetworkPolicy\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\""
                + name + "\",\"namespace\":\"" + namespace + "\",\"uid\":\"6f1c2d4e-0000-4000-8000-"
                + String.format("%012d", Math.abs(name.hashCode()))
                + "\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\",\"labels\":{\"generation\":\"" + generation
                + "\"}},\"spec\":{\"tier\":\"default\",\"order\":100,\"selector\":\"app == 'web' && role == 'frontend'\","
                + "\"types\":[\"Ingress\",\"Egress\"],\"ingress\":[{\"action\":\"Allow\",\"protocol\":\"TCP\","
                + "\"source\":{\"selector\":\"role == 'client'\"},\"destination\":{\"ports\":[80,443]}}],"
                + "\"egress\":[{\"action\":\"Allow\",\"protocol\":\"UDP\",\"destination\":{\"ports\":[53],"
                + "\"nets\":[\"10.96.0.10/32\"]}}]}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
