package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipam.tools.Allocator;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.WorkloadEndpoint;
import io.etcd.jetcd.options.DeleteOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eight Allocator processes, 200 allocations each, on three nodes, with some of them killed with SIGKILL at random
 * moments. The Allocator is the CNI plugin's ADD: assign an address, write the WorkloadEndpoint that owns it, print
 * {@code <address> <handle>}.
 *
 * <p>Victims and kill points are random (the seed is printed). One victim dies right after the IPAM write of an
 * allocation (the test sees its handle appear in etcd, and the allocator is then in its veth/route setup), so the
 * leak case is exercised in every run; the others die at a random moment of a random allocation.
 *
 * <p>What a kill may leave, and so the precise meaning of "leak" here: a killed allocator can have one allocation in
 * flight, under the handle {@code <prefix>-<lines it printed>}. If the kill struck before the endpoint was written,
 * the address is allocated with no owner: a leak, which {@code ipam check} must report. If it struck after, the
 * workload is complete and owned, only its caller never heard: not a leak (the runtime's DEL by handle removes it).
 * Blocks and handles are written in one transaction and claims go through a pending affinity, so a kill leaves no
 * other inconsistency, and the checker must report exactly those leaks and nothing else.
 */
class AllocatorKillTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final int PROCESSES = 8;
    private static final int COUNT = 200;
    private static final int VICTIMS = 3;
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final long RUN_TIMEOUT_SECONDS = 80;
    /** What the CNI plugin spends on the veth and routes between its IPAM call and writing the endpoint. */
    private static final int SETUP_MILLIS = 20;

    IpamFixture f;
    final List<Process> started = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        f.pool("pods", "10.64.0.0/16", 26);
        NODES.forEach(n -> f.node(n, Map.of()));
    }

    @AfterEach
    void tearDown() {
        // Only our own children, by their own handles.
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        f.close();
    }

    /** One allocator process and everything it printed, complete lines only. */
    private static final class Run {
        final String prefix;
        final String node;
        final Process process;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final Thread reader;
        volatile boolean killed;

        /**
         * @param killAfter  kill once this many lines were printed (-1: never)
         * @param killPhase  when, as a fraction of this allocator's recent time per allocation, after that line;
         *                   negative: as soon as the next allocation is written to etcd
         */
        Run(String prefix, String node, Process process, int killAfter, double killPhase, KeyValueStore kv) {
            this.prefix = prefix;
            this.node = node;
            this.process = process;
            this.reader = new Thread(() -> read(killAfter, killPhase, kv), "read-" + prefix);
            reader.start();
        }

        private void read(int killAfter, double killPhase, KeyValueStore kv) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long[] printedAt = new long[COUNT + 1];
            try (InputStream in = process.getInputStream()) {
                int b;
                while ((b = in.read()) >= 0) {
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    lines.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    int n = lines.size();
                    printedAt[Math.min(n, COUNT)] = System.nanoTime();
                    if (n == killAfter) {
                        long cycle = (printedAt[n] - printedAt[n - 8]) / 8;
                        String next = IpamKeys.handle(prefix + "-" + n);
                        Thread killer = new Thread(() -> {
                            if (killPhase < 0) {
                                awaitKey(kv, next); // its IPAM write is done; it is setting up the veth now
                            } else {
                                long delay = (long) (cycle * killPhase); // anywhere in the next allocation
                                sleep(delay / 1_000_000, (int) (delay % 1_000_000));
                            }
                            killed = true;
                            process.destroyForcibly(); // SIGKILL to this child's own PID
                        }, "kill-" + prefix);
                        killer.start();
                    }
                }
                // A line cut short by the kill was never fully printed: it does not count.
            } catch (IOException e) {
                // The pipe closes when the process dies.
            }
        }

        Map<String, String> printed() {
            Map<String, String> out = new TreeMap<>();
            for (String l : lines) {
                String[] parts = l.split(" ");
                assertEquals(2, parts.length, "allocator " + prefix + " printed \"" + l + "\"");
                assertEquals(null, out.put(parts[1], parts[0]), "handle " + parts[1] + " printed twice");
            }
            return out;
        }
    }

    @Test
    void killedAllocatorsLeaveExactlyTheLeaksTheCheckerReports() throws Exception {
        long seed = Long.getLong("tabby.test.seed", System.nanoTime());
        System.out.println("AllocatorKillTest seed=" + seed + " (rerun with -Dtabby.test.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        Set<Integer> victims = new HashSet<>(order.subList(0, VICTIMS));

        Path logs = ETCD.scratchDir("allocator-logs");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Run> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < PROCESSES; i++) {
            String prefix = "a" + i;
            String node = NODES.get(i % NODES.size());
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC",
                    "-Xmx128m", "-cp", classpath, Allocator.class.getName(),
                    "--node", node, "--count", Integer.toString(COUNT), "--handle-prefix", prefix,
                    "--setup-ms", Integer.toString(SETUP_MILLIS))
                    .redirectError(logs.resolve(prefix + ".err").toFile());
            pb.environment().put("TABBY_ETCD_ENDPOINTS", ETCD.config().endpointsText());
            Process p = pb.start();
            started.add(p);
            int killAfter = victims.contains(i) ? 10 + random.nextInt(COUNT - 30) : -1;
            double phase = i == order.get(0) ? -1 : random.nextDouble();
            runs.add(new Run(prefix, node, p, killAfter, phase, f.kv));
        }
        for (Run r : runs) {
            assertTrue(r.process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "allocator " + r.prefix + " still running");
            r.reader.join(5_000);
        }
        System.out.printf("AllocatorKillTest: %d allocators done in %.1f s%n", PROCESSES, (System.nanoTime() - t0) / 1e9);

        // What the allocators said they got.
        Map<String, String> printedByHandle = new HashMap<>();
        Map<String, String> printedByAddress = new HashMap<>();
        for (Run r : runs) {
            if (!r.killed) {
                assertEquals(0, r.process.exitValue(), () -> "allocator " + r.prefix + " failed: " + errors(logs, r.prefix));
                assertEquals(COUNT, r.lines.size(), "allocator " + r.prefix + " printed every allocation");
            }
            for (Map.Entry<String, String> e : r.printed().entrySet()) {
                assertTrue(e.getKey().startsWith(r.prefix + "-"));
                printedByHandle.put(e.getKey(), e.getValue());
                String before = printedByAddress.put(e.getValue(), e.getKey());
                assertEquals(null, before, "address " + e.getValue() + " given to both " + before + " and " + e.getKey());
            }
        }
        assertTrue(runs.stream().filter(r -> r.killed).count() == VICTIMS, "every victim was killed");

        // What etcd holds.
        IpamDump dump = IpamDump.read(f.kv);
        assertEquals(List.of(), dump.unreadable());
        Map<String, String> allocatedByHandle = new HashMap<>();
        Map<String, String> nodeOfHandle = new HashMap<>();
        for (AllocationBlock b : dump.blocks()) {
            for (int o : b.allocatedOrdinals()) {
                String handle = b.handleAt(o).orElseThrow();
                String before = allocatedByHandle.put(handle, b.addressAt(o).toString());
                assertEquals(null, before, "handle " + handle + " holds two addresses: " + before + " and " + b.addressAt(o));
                nodeOfHandle.put(handle, b.attributeAt(o).orElseThrow().secondary().get("node"));
            }
        }
        Set<String> owned = new HashSet<>();
        for (WorkloadEndpoint w : dump.workloads()) {
            owned.add(Cidr.parse(w.spec().ipNetworks().get(0)).address().toString());
        }
        for (Map.Entry<String, String> p : printedByHandle.entrySet()) {
            assertEquals(p.getValue(), allocatedByHandle.get(p.getKey()), "printed " + p + " is allocated so in etcd");
            assertTrue(owned.contains(p.getValue()), "printed " + p + " has its workload endpoint");
        }

        // The allocations no allocator reported: at most one per killed process, its next handle.
        Map<String, String> unprinted = new TreeMap<>(allocatedByHandle);
        unprinted.keySet().removeAll(printedByHandle.keySet());
        Set<String> leaks = new HashSet<>();
        for (Map.Entry<String, String> u : unprinted.entrySet()) {
            Run owner = runs.stream().filter(r -> u.getKey().startsWith(r.prefix + "-")).findFirst().orElseThrow();
            assertTrue(owner.killed, "allocation " + u + " of surviving allocator " + owner.prefix + " was not printed");
            assertEquals(owner.prefix + "-" + owner.lines.size(), u.getKey(), "only the allocation in flight is unreported");
            assertEquals(owner.node, nodeOfHandle.get(u.getKey()));
            if (!owned.contains(u.getValue())) {
                leaks.add(u.getValue() + " " + u.getKey());
            }
        }
        assertEquals(printedByHandle.size() + unprinted.size(), allocatedByHandle.size());
        System.out.printf("AllocatorKillTest: %d printed, %d in flight at a kill, %d of them leaked%n",
                printedByHandle.size(), unprinted.size(), leaks.size());

        // The checker reports exactly those leaks, and nothing else.
        IpamChecker checker = new IpamChecker(f.kv);
        IpamReport report = checker.check();
        Set<String> reported = report.of(Finding.Kind.LEAKED_ADDRESS).stream()
                .map(x -> x.address() + " " + x.handle()).collect(Collectors.toSet());
        assertEquals(leaks, reported);
        assertEquals(leaks.size(), report.findings().size(), report.findings()::toString);

        // Releasing the leaks makes the check clean.
        Ipam ipam = new Ipam(f.kv);
        List<ReleaseRequest> release = report.of(Finding.Kind.LEAKED_ADDRESS).stream()
                .map(x -> new ReleaseRequest(IpAddress.parse(x.address()), x.handle())).toList();
        assertEquals(leaks.size(), ipam.releaseIps(release).released().size());
        IpamReport afterLeaks = checker.check();
        assertTrue(afterLeaks.clean(), afterLeaks.findings()::toString);

        // And the runtime's DELs for everything, then the nodes leaving, leave nothing behind.
        Set<String> handles = new HashSet<>(allocatedByHandle.keySet());
        leaks.forEach(l -> handles.remove(l.split(" ")[1]));
        ExecutorService pool = Executors.newFixedThreadPool(PROCESSES);
        try {
            List<Future<List<IpAddress>>> dels = new ArrayList<>();
            handles.forEach(h -> dels.add(pool.submit(() -> ipam.releaseByHandle(h))));
            for (Future<List<IpAddress>> d : dels) {
                assertEquals(1, d.get(60, TimeUnit.SECONDS).size());
            }
        } finally {
            pool.shutdownNow();
        }
        f.kv.client().getKVClient().delete(EtcdKeys.bytes(ResourceStore.prefix(Kind.WORKLOAD_ENDPOINT, null)),
                DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
        IpamReport empty = checker.check();
        assertTrue(empty.clean(), empty.findings()::toString);
        assertEquals(0, empty.allocations());
        assertEquals(0, empty.handles());
        NODES.forEach(n -> ipam.releaseHostAffinities(n, true));
        assertEquals(Map.of(), f.dump("/calico/ipam/"));
    }

    private static String errors(Path logs, String prefix) {
        try {
            return Files.readString(logs.resolve(prefix + ".err")).lines().filter(l -> l.startsWith("allocator:"))
                    .collect(Collectors.joining(" | "));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void awaitKey(KeyValueStore kv, String key) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kv.get(key).isEmpty() && System.nanoTime() < deadline) {
            sleep(0, 500_000);
        }
    }

    private static void sleep(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
