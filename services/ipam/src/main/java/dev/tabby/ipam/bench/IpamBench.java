package dev.tabby.ipam.bench;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Ipam;
import dev.tabby.model.codec.ResourceCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * How many addresses per second IPAM hands out with one allocator and with eight at once, against the floor: the
 * rate of raw single-key compare-and-swap transactions ({@link KeyValueStore#update}) with the same concurrency, on
 * the same etcd, in the same run.
 *
 * <pre>java -cp ... dev.tabby.ipam.bench.IpamBench [--allocations 1000]</pre>
 *
 * Allocators are threads sharing one client, each allocating one address per request under its own handle. The eight
 * allocate for eight different nodes, as eight CNI plugins on eight hosts would; an extra line reports eight on one
 * node, where they contend for the same block. Starts its own etcd in a temp dir and removes it. The last line is
 * {@code BENCH ipam allocs_per_s_1=.. allocs_per_s_8=.. floor_txn_per_s_1=.. floor_txn_per_s_8=.. ratio=..} with
 * ratio = floor_txn_per_s_8 / allocs_per_s_8: how many raw transactions' time one allocation costs.
 */
public final class IpamBench {
    private static final int THREADS = 8;

    private final int allocations;

    private IpamBench(int allocations) {
        this.allocations = allocations;
    }

    public static void main(String[] args) throws Exception {
        int allocations = 1000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--allocations")) {
                allocations = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: IpamBench [--allocations N]");
                System.exit(2);
            }
        }
        new IpamBench(allocations).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("tabby-ipam-bench-");
        try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("data"));
                KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            new ResourceStore(kv).create(ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: IPPool\n"
                    + "metadata:\n  name: bench\nspec:\n  cidr: 10.0.0.0/12\n  blockSize: 26\n").resources().get(0));
            registerNodes(new ResourceStore(kv));
            Ipam ipam = new Ipam(kv);

            // Warm up both paths so that neither pays for class loading and JIT in its measurement.
            allocate(ipam, 1, allocations / 4, t -> "warm-up");
            casUpdates(kv, 1, allocations / 2, "warm-up");

            double floor1 = casUpdates(kv, 1, allocations * 2, "one");
            double allocs1 = allocate(ipam, 1, allocations, t -> "node-solo");
            double floor8 = casUpdates(kv, THREADS, allocations, "eight");
            double allocs8 = allocate(ipam, THREADS, allocations / 2, t -> "node-" + t);
            double allocs8SameNode = allocate(ipam, THREADS, allocations / 4, t -> "node-shared");

            System.out.printf("ipam: 1 allocator %.0f/s, 8 allocators on 8 nodes %.0f/s, 8 allocators on one node %.0f/s;"
                    + " raw CAS transactions %.0f/s (1 writer), %.0f/s (8 writers)%n",
                    allocs1, allocs8, allocs8SameNode, floor1, floor8);
            System.out.printf("BENCH ipam allocs_per_s_1=%.0f allocs_per_s_8=%.0f floor_txn_per_s_1=%.0f floor_txn_per_s_8=%.0f"
                    + " ratio=%.2f%n", allocs1, allocs8, floor1, floor8, floor8 / allocs8);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** The Nodes the allocators assign for: Calico's IPAM assigns automatically only to registered nodes. */
    private static void registerNodes(ResourceStore resources) {
        List<String> names = new ArrayList<>(List.of("warm-up", "node-solo", "node-shared"));
        for (int t = 0; t < THREADS; t++) {
            names.add("node-" + t);
        }
        for (String name : names) {
            resources.create(ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: " + name
                    + "\n").resources().get(0));
        }
    }

    /** Runs {@code threads} allocators, {@code each} single-address requests apiece; returns addresses per second. */
    private static double allocate(Ipam ipam, int threads, int each, IntFunction<String> nodeOf) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        return timed(threads, t -> () -> {
            String node = nodeOf.apply(t);
            for (int i = 0; i < each; i++) {
                String handle = "bench-" + run + "-" + t + "-" + i;
                ipam.autoAssign(AutoAssignRequest.ipv4(node, handle, 1)
                        .withAttributes(Map.of("namespace", "bench", "pod", handle)));
            }
            return each;
        });
    }

    /** The floor: each writer updates its own key with a compare-and-swap on the revision it last wrote. */
    private static double casUpdates(KeyValueStore kv, int threads, int each, String run) throws Exception {
        byte[] value = "{\"bench\":\"a value about as large as a small IPAM handle\"}".getBytes(StandardCharsets.UTF_8);
        return timed(threads, t -> () -> {
            String key = "/tabby/bench/ipam-floor/" + run + "/" + t;
            long rev = kv.put(key, value);
            for (int i = 0; i < each; i++) {
                rev = kv.update(key, value, rev);
            }
            return each;
        });
    }

    private static double timed(int threads, IntFunction<Callable<Integer>> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(work.apply(t));
            }
            long start = System.nanoTime();
            long done = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                done += f.get();
            }
            return done / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
