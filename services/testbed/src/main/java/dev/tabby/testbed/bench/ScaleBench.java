package dev.tabby.testbed.bench;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.model.AffinityState;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.testbed.BenchNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bin/tabby bench scale}: one real node among many. A local etcd holds {@code --nodes N} nodes as Calico
 * stores them: N-1 synthetic ones (Node with {@code spec.bgp.ipv4Address} and {@code spec.ipv4VXLANTunnelAddr}, an
 * IPAM block each with its affinity key, handles, and {@code --endpoints E} workload endpoints spread over them with
 * labels and addresses from their blocks) and the one real node, registered and run as the testbed runs a node
 * ({@link BenchNode}): vxlan-manager and policy-renderer (and with {@code --bgp-speaker}, bgp-speaker with the
 * node-to-node mesh off and no peers: it then only watches, which is what a 5,000-node cluster runs, with route
 * reflectors or ToR peers instead of a 25-million-session mesh). Ten local endpoints and five GlobalNetworkPolicies
 * ({@code app == 'frontend'} allowing from {@code app == 'app-0'} .. {@code 'app-4'}) make a quarter of the remote
 * endpoints' addresses land in five IP sets.
 *
 * <p>Measured: each service's time to converge, from its process start to its kernel state complete (N-1 VXLAN
 * routes, FDB and ARP entries; the IP sets holding every selected address) and {@code /q/health/ready}; then
 * {@code --changes C} random changes one at a time (a node added or removed, a tunnel address moved, an endpoint
 * added, removed or relabelled), each from the return of its etcd write until the kernel shows it, as p50/p99 per
 * kind and overall; each service's heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}); and etcd's
 * load from its own {@code /metrics}: watchers and watch streams the node's services opened, and bytes etcd sent
 * during the converge and during the changes (the bench's own writes' replies are in them too; they are small).
 * Loading etcd is timed and printed but is not the measurement. Before all that, the floor: the same services started
 * the same way on a node of an empty cluster (its own etcd: the pool, profiles, policies and the node's own endpoints,
 * nothing remote), timed the same way. It is what starting costs at all, in the same run: converge at N nodes minus
 * the floor is what the cluster's data costs.
 *
 * <p>Last line: {@code BENCH scale nodes=N endpoints=E converge_s=... floor_s=... update_p50_ms=... update_p99_ms=...
 * heap_max_mb=... etcd_watchers=... etcd_sent_mb=... ratio=...}, where converge_s and floor_s are the slowest
 * service's and
 * {@code ratio = converge_s / 2}: issue 16's goal is a converge under 2 s at 5,000 nodes, so a ratio at or below 1
 * meets it. A service that breaks while converging (it exits, its log shows an OutOfMemoryError, or it is not converged
 * within 180 s) is reported with the top of its heap histogram, the line gets {@code failed=SERVICE}, and the others
 * are still measured (without policy-renderer only node changes are made). Everything it made (namespaces, processes
 * by PID, etcd and its data) is removed at the end, also when interrupted (a shutdown hook; SIGINT or SIGTERM).
 *
 * <p>Options: {@code --nodes N} (default 5000), {@code --changes C} (1000), {@code --endpoints E} (10 x N),
 * {@code --bgp-speaker}, {@code --only vxlan-manager} (it alone: no policy-renderer, so node changes only),
 * {@code --seed S} (the changes' random sequence), {@code --logs DIR} (keep the services' logs). Each service's CPU
 * time until converged and per change is printed too: on a shared machine it varies far less than wall-clock time.
 * The changes' endpoints get no IPAM allocation of their own (vxlan-manager reads blocks, not endpoints, and the
 * renderer reads endpoints, not blocks): each change is one etcd write, or one transaction for a node.
 */
public final class ScaleBench {
    static final String POOL = "10.128.0.0/12";
    static final int BLOCK_SIZE = 26;
    static final int SELECTED_APPS = 5;
    static final int APPS = 20;
    static final int NAMESPACES = 4;
    static final int LOCAL_ENDPOINTS = 10;
    /** Blocks of nodes the changes add, far from the loaded ones (index 1 .. N-1). */
    static final int ADDED_BLOCK_BASE = 8192;
    /** Namespaces of this run: two runs at once must not share them. */
    static final String PREFIX = "tabby-sc" + ProcessHandle.current().pid() % 100000 + "-";
    /** Namespaces of this run's floor node (see {@link Run#floor()}). */
    static final String FLOOR_PREFIX = "tabby-sf" + ProcessHandle.current().pid() % 100000 + "-";
    static final String VXLAN = "vxlan-manager";
    static final String POLICY = "policy-renderer";
    static final String BGP = "bgp-speaker";
    /** A service not converged by then counts as broken (a JVM collecting without end near its -Xmx never throws). */
    static final long CONVERGE_TIMEOUT_NANOS = 180L * 1_000_000_000L;
    static final long CHANGE_TIMEOUT_NANOS = 30L * 1_000_000_000L;
    static final List<String> KINDS = List.of("node-add", "node-remove", "tunnel-move", "endpoint-add", "endpoint-remove",
            "endpoint-relabel");

    private ScaleBench() {
    }

    /** A synthetic node: its block (index in the pool), underlay address, tunnel ordinal, next free ordinal. */
    static final class SynNode {
        final String name;
        final int block;
        final String underlay;
        int tunnelOrdinal;
        int nextOrdinal;
        final List<Wep> weps = new ArrayList<>();
        boolean gone;

        SynNode(String name, int block, String underlay) {
            this.name = name;
            this.block = block;
            this.underlay = underlay;
        }

        Cidr cidr() {
            return new Cidr(addressAt(block, 0), BLOCK_SIZE);
        }

        IpAddress tunnel() {
            return addressAt(block, tunnelOrdinal);
        }
    }

    /** A workload endpoint: where it is and which app label it has now. */
    static final class Wep {
        final SynNode node;
        final String ns;
        final String pod;
        final int ordinal;
        int app;
        boolean gone;

        Wep(SynNode node, String ns, String pod, int ordinal, int app) {
            this.node = node;
            this.ns = ns;
            this.pod = pod;
            this.ordinal = ordinal;
            this.app = app;
        }

        String ip() {
            return addressAt(node.block, ordinal).toString();
        }

        String name() {
            return node.name.replace("-", "--") + "-k8s-" + pod.replace("-", "--") + "-eth0";
        }

        String key() {
            return ResourceStore.key(new ResourceId(Kind.WORKLOAD_ENDPOINT, ns, name()));
        }

        String containerId() {
            return String.format(Locale.ROOT, "%064x", (long) pod.hashCode() & 0xffffffffL);
        }
    }

    public static void main(String[] args) throws Exception {
        int nodes = 5000;
        int changes = 1000;
        Integer endpointsArg = null;
        boolean bgp = false;
        boolean vxlanOnly = false;
        long seed = 16;
        Path logs = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(value(args, ++i));
                case "--changes" -> changes = Integer.parseInt(value(args, ++i));
                case "--endpoints" -> endpointsArg = Integer.parseInt(value(args, ++i));
                case "--bgp-speaker" -> bgp = true;
                case "--only" -> {
                    String only = value(args, ++i);
                    if (!only.equals(VXLAN)) {
                        throw new IllegalArgumentException("--only " + only + ": only --only " + VXLAN + " is supported (it"
                                + " starts vxlan-manager alone, so its numbers have the machine to themselves)");
                    }
                    vxlanOnly = true;
                }
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--logs" -> logs = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("bench scale: unknown argument '" + args[i] + "'; usage: bin/tabby"
                        + " bench scale [--nodes 5000] [--changes 1000] [--endpoints 10xNODES] [--bgp-speaker] [--only vxlan-manager] [--seed 16] [--logs DIR]");
            }
        }
        if (nodes < 2 || nodes > ADDED_BLOCK_BASE - 1) {
            throw new IllegalArgumentException("--nodes " + nodes + " is out of range: 2.." + (ADDED_BLOCK_BASE - 1));
        }
        int endpoints = endpointsArg == null ? 10 * nodes : endpointsArg;
        int perNode = (int) Math.ceil((double) Math.max(0, endpoints - LOCAL_ENDPOINTS) / (nodes - 1));
        if (perNode > 40) {
            throw new IllegalArgumentException("--endpoints " + endpoints + " is too many for " + nodes + " nodes: at most 40"
                    + " per /26 block leave room for the changes; raise --nodes");
        }
        new ScaleBench.Run(nodes, endpoints, changes, bgp, vxlanOnly, seed, logs).run();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** One run: what it made, so {@link #cleanUp()} removes exactly that, once, from the end or a shutdown hook. */
    static final class Run {
        final int nodes;
        final int endpoints;
        final int changes;
        final boolean bgp;
        /** vxlan-manager alone: no policy-renderer beside it, so only node changes are made. */
        final boolean vxlanOnly;
        /** Where the services' logs are copied before they go with the node, or null. */
        final Path logs;
        final Random random;
        final List<SynNode> synthetic = new ArrayList<>();
        final List<Wep> weps = new ArrayList<>();
        Path dir;
        LocalEtcd etcd;
        KeyValueStore kv;
        BenchNode node;
        /** The floor's own etcd and node, there only while the floor is measured (or until cleanUp when interrupted). */
        LocalEtcd floorEtcd;
        KeyValueStore floorKv;
        BenchNode floorNode;
        IpsetProbe ipset;
        Thread hook;
        boolean cleaned;
        int addedBlocks;
        int addedNodes;
        int addedWeps;
        final Map<String, Long> pids = new LinkedHashMap<>();
        /** Services that broke while converging, and how. */
        final Map<String, String> failed = new LinkedHashMap<>();

        Run(int nodes, int endpoints, int changes, boolean bgp, boolean vxlanOnly, long seed, Path logs) {
            this.logs = logs;
            this.vxlanOnly = vxlanOnly;
            this.nodes = nodes;
            this.endpoints = endpoints;
            this.changes = changes;
            this.bgp = bgp;
            this.random = new Random(seed);
        }

        void run() throws Exception {
            hook = new Thread(this::cleanUp, "scale-bench-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                measure();
            } finally {
                cleanUp();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook runs cleanUp, which is done
                }
            }
        }

        synchronized void cleanUp() {
            if (cleaned) {
                return;
            }
            cleaned = true;
            if (ipset != null) {
                ipset.close();
            }
            if (node != null && logs != null) {
                for (String s : services()) {
                    String log = node.log(s);
                    try {
                        Files.createDirectories(logs);
                        if (log != null) {
                            Files.copy(Path.of(log), logs.resolve(s + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    } catch (IOException e) {
                        System.err.println("bench scale: cannot keep " + log + ": " + e.getMessage());
                    }
                }
            }
            takeDownFloor();
            if (node != null) {
                String left = node.takeDown();
                if (!left.isEmpty()) {
                    System.err.println("bench scale: left behind: " + left + "; remove by hand");
                }
            }
            if (kv != null) {
                kv.close();
            }
            if (etcd != null) {
                etcd.close();
            }
            if (dir != null) {
                deleteTree(dir);
            }
        }

        void measure() throws Exception {
            System.out.printf(Locale.ROOT, "machine: %d cores, load %s%n", Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).strip());
            dir = Files.createTempDirectory("tabby-bench-scale-");
            Map<String, Double> floor = floor();

            etcd = LocalEtcd.start(dir.resolve("etcd"));
            kv = KeyValueStore.connect(etcd.clientConfig());
            ResourceStore store = new ResourceStore(kv);
            long t0 = System.nanoTime();
            int keys = load(store);
            System.out.printf(Locale.ROOT, "load: %d synthetic nodes, %d endpoints (%d keys) into etcd in %.1f s (not measured)%n",
                    synthetic.size(), weps.size() + LOCAL_ENDPOINTS, keys, (System.nanoTime() - t0) / 1e9);

            node = new BenchNode(root(), dir.resolve("testbed"), PREFIX);
            t0 = System.nanoTime();
            node.up(etcd.endpoint()).forEach(l -> System.out.println("register: " + l));
            System.out.printf(Locale.ROOT, "node %s registered in %.1f s%n", node.nodeNamespace(), (System.nanoTime() - t0) / 1e9);
            writeLocal(kv);
            Path netns = Path.of("/run/netns", node.nodeNamespace());

            Map<String, Double> before = metrics();
            Set<String> selected = new HashSet<>();
            weps.stream().filter(w -> w.app < SELECTED_APPS).forEach(w -> selected.add(w.ip()));
            Map<String, Double> converge = converge(node, selected, synthetic.size(), pids, failed);
            Map<String, Double> afterConverge = metrics();

            boolean policyUp = services().contains(POLICY) && !failed.containsKey(POLICY);
            Map<Integer, String> setOfApp = policyUp ? setsOfApps(netns) : Map.of();
            // Without a renderer, only the changes vxlan-manager shows can be timed.
            List<String> kinds = policyUp ? KINDS : KINDS.subList(0, 3);
            Map<String, List<Double>> byKind = new TreeMap<>();
            // CPU time is what a loaded machine changes least: wall-clock latencies on a shared host vary twofold.
            Map<String, Double> cpuBefore = cpuSeconds();
            converge.keySet().forEach(svc -> System.out.printf(Locale.ROOT, "cpu %s until converged: %.2f s%n", svc,
                    cpuBefore.getOrDefault(svc, Double.NaN)));
            try (Netlink nl = Netlink.at(netns)) {
                for (int c = 0; c < changes; c++) {
                    String kind = feasible(kinds.get(random.nextInt(kinds.size())));
                    double ms = change(kind, nl, netns, setOfApp);
                    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(ms);
                }
                System.out.printf(Locale.ROOT, "check cost (a change's time includes up to one more check than it took):"
                        + " route lookup p50 %.2f ms, ipset test p50 %.2f ms%n",
                        checkCost(() -> gatewayOf(nl, synthetic.get(0).cidr()) != null),
                        policyUp ? checkCost(() -> inSet(netns, setOfApp.get(0), weps.get(0).ip())) : Double.NaN);
            }
            Map<String, Double> afterChanges = metrics();
            Map<String, Double> cpuAfter = cpuSeconds();
            cpuAfter.forEach((svc, sec) -> System.out.printf(Locale.ROOT, "cpu %s during the changes: %.2f s, %.1f ms per change%n",
                    svc, sec - cpuBefore.getOrDefault(svc, 0.0), (sec - cpuBefore.getOrDefault(svc, 0.0)) * 1000 / Math.max(1, changes)));

            Map<String, Double> heap = new LinkedHashMap<>();
            for (String s : services()) {
                boolean alive = ProcessHandle.of(pids.get(s)).map(ProcessHandle::isAlive).orElse(false);
                heap.put(s, alive ? heapMb(pids.get(s)) : Double.NaN);
            }
            report(converge, floor, byKind, heap, before, afterConverge, afterChanges);
        }

        static Path root() {
            return Path.of(System.getenv().getOrDefault("TABBY_ROOT", ".")).toAbsolutePath().normalize();
        }

        /**
         * The floor: the same services started the same way on a node of an empty cluster (its own etcd holding only
         * the pool, profiles, policies and the node's ten endpoints), timed to ready and their kernel state complete
         * as the real converge is. It is what starting costs at all, with both JVMs sharing the machine's cores, in
         * the same run and under the same load as the converge at N nodes: the converge's excess over it is what the
         * cluster's data costs.
         */
        Map<String, Double> floor() throws Exception {
            floorEtcd = LocalEtcd.start(dir.resolve("etcd-floor"));
            floorKv = KeyValueStore.connect(floorEtcd.clientConfig());
            createManifests(new ResourceStore(floorKv));
            floorNode = new BenchNode(root(), dir.resolve("testbed-floor"), FLOOR_PREFIX);
            floorNode.up(floorEtcd.endpoint());
            writeLocal(floorKv);
            System.out.println("floor: the same services on a node of an empty cluster");
            Map<String, Long> floorPids = new LinkedHashMap<>();
            Map<String, String> floorFailed = new LinkedHashMap<>();
            Map<String, Double> out = converge(floorNode, Set.of(), 0, floorPids, floorFailed);
            Map<String, Double> cpu = cpuSeconds(floorPids);
            out.forEach((s, v) -> System.out.printf(Locale.ROOT, "floor %s (empty cluster): converged in %.2f s, cpu %.2f s%n",
                    s, v, cpu.getOrDefault(s, Double.NaN)));
            floorFailed.forEach((s, why) -> System.out.printf(Locale.ROOT, "floor %s FAILED: %s%n", s, why));
            takeDownFloor();
            return out;
        }

        synchronized void takeDownFloor() {
            if (floorNode != null) {
                String left = floorNode.takeDown();
                if (!left.isEmpty()) {
                    System.err.println("bench scale: the floor's node left behind: " + left + "; remove by hand");
                }
                floorNode = null;
            }
            if (floorKv != null) {
                floorKv.close();
                floorKv = null;
            }
            if (floorEtcd != null) {
                floorEtcd.close();
                floorEtcd = null;
            }
        }

        /** Each running service's CPU time so far (user and system, all its threads), seconds. */
        Map<String, Double> cpuSeconds() {
            return cpuSeconds(pids);
        }

        Map<String, Double> cpuSeconds(Map<String, Long> pids) {
            Map<String, Double> out = new LinkedHashMap<>();
            for (String svc : services()) {
                Long pid = pids.get(svc);
                if (pid != null) {
                    ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
                            .ifPresent(d -> out.put(svc, d.toNanos() / 1e9));
                }
            }
            return out;
        }

        List<String> services() {
            if (vxlanOnly) {
                return List.of(VXLAN);
            }
            return bgp ? List.of(VXLAN, POLICY, BGP) : List.of(VXLAN, POLICY);
        }

        /** Pool, profiles, policies, and the synthetic nodes with their blocks, affinities, handles and endpoints. */
        int load(ResourceStore store) throws Exception {
            createManifests(store);
            int remote = Math.max(0, endpoints - LOCAL_ENDPOINTS);
            List<KvEntry> entries = new ArrayList<>();
            for (int i = 1; i < nodes; i++) {
                SynNode n = new SynNode(String.format(Locale.ROOT, "scale-%05d", i), i, ipv4(0xAC100000L + i).toString());
                n.nextOrdinal = 1;
                synthetic.add(n);
            }
            for (int e = 0; e < remote; e++) {
                SynNode n = synthetic.get(e % synthetic.size());
                Wep w = new Wep(n, "ns-" + (e % NAMESPACES), String.format(Locale.ROOT, "pod-%06d", e), n.nextOrdinal++, e % APPS);
                n.weps.add(w);
                weps.add(w);
            }
            for (SynNode n : synthetic) {
                entries.addAll(nodeEntries(n));
                for (Wep w : n.weps) {
                    entries.add(new KvEntry(w.key(), wepValue(w), 0, 0));
                    entries.add(new KvEntry(IpamKeys.handle("k8s-pod-network." + w.containerId()),
                            IpamJson.encode(IpamHandle.EMPTY.plus(n.cidr(), 1)), 0, 0));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Long>> done = new ArrayList<>();
                for (int i = 0; i < entries.size(); i += 100) {
                    List<KvEntry> batch = entries.subList(i, Math.min(entries.size(), i + 100));
                    done.add(pool.submit(() -> kv.putAll(batch)));
                }
                for (Future<Long> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            return entries.size();
        }

        /** The Node, its block (tunnel address and its endpoints' addresses allocated), affinity and tunnel handle. */
        List<KvEntry> nodeEntries(SynNode n) {
            AllocationBlock b = AllocationBlock.create(n.cidr(), n.name);
            b.assign(n.tunnelOrdinal, "vxlan-tunnel-addr-" + n.name, Map.of("node", n.name, "type", "vxlanTunnelAddress"));
            for (Wep w : n.weps) {
                b.assign(w.ordinal, "k8s-pod-network." + w.containerId(), Map.of("namespace", w.ns, "node", n.name, "pod", w.pod));
            }
            return List.of(new KvEntry(ResourceStore.key(new ResourceId(Kind.NODE, null, n.name)), nodeValue(n), 0, 0),
                    new KvEntry(IpamKeys.block(n.cidr()), IpamJson.encode(b), 0, 0),
                    new KvEntry(IpamKeys.affinity(n.name, n.cidr()), IpamJson.encode(BlockAffinity.of(AffinityState.CONFIRMED)), 0, 0),
                    new KvEntry(IpamKeys.handle("vxlan-tunnel-addr-" + n.name),
                            IpamJson.encode(IpamHandle.EMPTY.plus(n.cidr(), 1)), 0, 0));
        }

        static byte[] nodeValue(SynNode n) {
            return ResourceCodec.toStoredValue(new Node(ObjectMeta.named(n.name), new Node.Spec(new Node.BGP(null,
                    n.underlay + "/12", null, null, null), n.tunnel().toString(), null, null, null, null), null));
        }

        static byte[] wepValue(Wep w) {
            return ResourceCodec.toStoredValue(endpoint(w.node.name, w.ns, w.pod, w.name(), w.ip(), "app-" + w.app));
        }

        static WorkloadEndpoint endpoint(String nodeName, String ns, String pod, String name, String ip, String app) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("app", app);
            labels.put("projectcalico.org/namespace", ns);
            labels.put("projectcalico.org/orchestrator", "k8s");
            labels.put("projectcalico.org/serviceaccount", "default");
            ObjectMeta meta = new ObjectMeta(name, ns, null, null, null, labels, null);
            String iface = String.format(Locale.ROOT, "cali%011x", (name.hashCode() * 0x9E3779B1L) & 0xFFFFFFFFFFFL);
            return new WorkloadEndpoint(meta, new WorkloadEndpoint.Spec("k8s", null, nodeName, null, pod, "eth0",
                    List.of(ip + "/32"), null, null, null, List.of("kns." + ns, "ksa." + ns + ".default"), iface, null, null));
        }

        void createManifests(ResourceStore store) {
            for (Resource r : ResourceCodec.read(manifests()).resources()) {
                store.create(r);
            }
        }

        /** The VXLAN pool, the namespaces' profiles, the policies that put remote endpoints into IP sets. */
        String manifests() {
            StringBuilder y = new StringBuilder();
            y.append("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: scale-pool}\nspec: {cidr: ").append(POOL)
                    .append(", blockSize: ").append(BLOCK_SIZE).append(", vxlanMode: Always, ipipMode: Never, natOutgoing: true}\n");
            for (int n = 0; n < NAMESPACES; n++) {
                y.append("---\napiVersion: projectcalico.org/v3\nkind: Profile\nmetadata: {name: kns.ns-").append(n)
                        .append("}\nspec:\n  ingress: [{action: Allow}]\n  egress: [{action: Allow}]\n");
            }
            for (int a = 0; a < SELECTED_APPS; a++) {
                y.append("---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: scale-from-app-")
                        .append(a).append("}\nspec:\n  selector: app == 'frontend'\n  types: [Ingress]\n  ingress:\n")
                        .append("  - action: Allow\n    protocol: TCP\n    source: {selector: app == 'app-").append(a)
                        .append("'}\n    destination: {ports: [80]}\n");
            }
            if (bgp) {
                y.append("---\napiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata: {name: default}\n")
                        .append("spec: {nodeToNodeMeshEnabled: false}\n");
            }
            return y.toString();
        }

        /** Ten endpoints on the real node that the policies select (addresses outside every block: no IPAM needed). */
        void writeLocal(KeyValueStore target) {
            List<KvEntry> entries = new ArrayList<>();
            for (int k = 0; k < LOCAL_ENDPOINTS; k++) {
                String pod = "frontend-" + k;
                String name = "node1-k8s-" + pod.replace("-", "--") + "-eth0";
                WorkloadEndpoint w = endpoint("node1", "ns-0", pod, name, "10.143.255." + (200 + k), "frontend");
                entries.add(new KvEntry(ResourceStore.key(new ResourceId(Kind.WORKLOAD_ENDPOINT, "ns-0", name)),
                        ResourceCodec.toStoredValue(w), 0, 0));
            }
            target.putAll(entries);
        }

        /**
         * Starts the services on {@code node} together, as a node does, and times each until it is ready and its kernel
         * state complete: {@code want} remote VTEPs, and every address of {@code selected} in an IP set. Their PIDs go
         * to {@code pids}, and why one broke to {@code failed}.
         */
        Map<String, Double> converge(BenchNode node, Set<String> selected, int want, Map<String, Long> pids,
                                     Map<String, String> failed) throws Exception {
            Path netns = Path.of("/run/netns", node.nodeNamespace());
            Map<String, Long> started = new LinkedHashMap<>();
            for (String s : services()) {
                started.put(s, System.nanoTime());
                long pid = node.start(s);
                pids.put(s, pid);
                System.out.printf(Locale.ROOT, "%s started (pid %d)%n", s, pid);
            }
            Map<String, Double> done = new LinkedHashMap<>();
            Map<String, Double> readyAt = new LinkedHashMap<>();
            Map<String, Double> kernelAt = new LinkedHashMap<>();
            long lastKernelLook = 0;
            try (Netlink nl = Netlink.at(netns)) {
                while (done.size() < started.size()) {
                    // The kernel is read often only once a service says ready: reading 5,000 entries and an ipset save
                    // of thousands of members every 50 ms would take CPU from the services being measured.
                    boolean lookAtKernel = System.nanoTime() - lastKernelLook > 500_000_000L;
                    for (String s : started.keySet()) {
                        if (done.containsKey(s)) {
                            continue;
                        }
                        double sec = (System.nanoTime() - started.get(s)) / 1e9;
                        String ready = node.readiness(s);
                        String broken = broken(node, s, ready, lookAtKernel);
                        if (broken != null) {
                            // What breaks first is a result: the others are still measured.
                            failed.put(s, broken);
                            done.put(s, Double.NaN);
                            System.out.printf(Locale.ROOT, "%s FAILED after %.1f s: %s%n", s, sec, broken);
                            histogram(pids.get(s));
                            continue;
                        }
                        if (ready.equals("ready")) {
                            readyAt.putIfAbsent(s, sec);
                        }
                        if (!kernelAt.containsKey(s) && (readyAt.containsKey(s) || lookAtKernel)) {
                            boolean kernel = switch (s) {
                                case VXLAN -> {
                                    int[] v = vxlanCounts(nl);
                                    yield v[0] >= want && v[1] >= want && v[2] >= want;
                                }
                                case POLICY -> setMembers(netns).keySet().containsAll(selected);
                                default -> true;
                            };
                            if (kernel) {
                                kernelAt.put(s, sec);
                            }
                        }
                        if (readyAt.containsKey(s) && kernelAt.containsKey(s)) {
                            double total = Math.max(readyAt.get(s), kernelAt.get(s));
                            done.put(s, total);
                            System.out.printf(Locale.ROOT, "%s converged in %.2f s (ready at %.2f s, kernel complete at %.2f s;"
                                    + " the kernel is read every 0.5 s before ready)%n", s, total, readyAt.get(s), kernelAt.get(s));
                        }
                    }
                    if (lookAtKernel) {
                        lastKernelLook = System.nanoTime();
                    }
                    for (String s : started.keySet()) {
                        if (!done.containsKey(s) && System.nanoTime() - started.get(s) > CONVERGE_TIMEOUT_NANOS) {
                            int[] v = vxlanCounts(nl);
                            String why = "not converged within " + CONVERGE_TIMEOUT_NANOS / 1_000_000_000L + " s ("
                                    + node.readiness(s) + (s.equals(VXLAN) ? "; VXLAN routes/FDB/ARP " + v[0] + "/" + v[1] + "/"
                                    + v[2] + " of " + want : "") + "; heap " + heapNow(pids.get(s)) + ")";
                            failed.put(s, why);
                            done.put(s, Double.NaN);
                            System.out.printf(Locale.ROOT, "%s FAILED: %s%n", s, why);
                            histogram(pids.get(s));
                        }
                    }
                    Thread.sleep(50);
                }
            }
            return done;
        }

        /**
         * Why service {@code s} can no longer converge, or null: it exited, or its log shows the JVM ran out of heap (a
         * JVM out of heap may stay up for minutes, collecting without end). The log is read every 0.5 s.
         */
        static String broken(BenchNode node, String s, String ready, boolean lookAtLog) throws IOException {
            if (ready.startsWith("not running")) {
                return "exited (" + ready + ")";
            }
            String log = node.log(s);
            if (lookAtLog && log != null && Files.exists(Path.of(log))) {
                try (Stream<String> lines = Files.lines(Path.of(log), StandardCharsets.UTF_8)) {
                    if (lines.anyMatch(l -> l.contains("java.lang.OutOfMemoryError"))) {
                        return "java.lang.OutOfMemoryError: Java heap space (its -Xmx is " + maxHeap() + ")";
                    }
                }
            }
            return null;
        }

        /** The -Xmx of images/jvm/service.args, the flags every service runs with. */
        static String maxHeap() {
            Path args = Path.of(System.getenv().getOrDefault("TABBY_ROOT", "."), "images/jvm/service.args");
            try (Stream<String> lines = Files.lines(args)) {
                return lines.map(String::strip).filter(l -> l.startsWith("-Xmx")).reduce((a, b) -> b).map(l -> l.substring(4)
                        + " in " + args).orElse("the JVM's default");
            } catch (IOException e) {
                return "unknown: " + args + " unreadable";
            }
        }

        /** Routes (proto 81 via a tunnel), FDB entries and permanent ARP entries on vxlan.calico. */
        static int[] vxlanCounts(Netlink nl) {
            int index = nl.linkByName("vxlan.calico").map(l -> l.index()).orElse(0);
            if (index == 0) {
                return new int[3];
            }
            int routes = (int) nl.routeList(new RouteFilter(Family.INET, Route.MAIN_TABLE, RouteProtocol.VXLAN, index, null))
                    .stream().filter(r -> r.gateway() != null).count();
            int fdb = nl.fdbList(index).size();
            int neigh = (int) nl.neighList(index, Family.INET).stream().filter(n -> (n.state() & Neigh.PERMANENT) != 0).count();
            return new int[] {routes, fdb, neigh};
        }

        /** Every Tabby IPv4 set's members: address -> the sets holding it. */
        static Map<String, Set<String>> setMembers(Path netns) throws IOException, InterruptedException {
            Map<String, Set<String>> out = new HashMap<>();
            for (String line : exec(netns, "ipset", "save").out.split("\n")) {
                String[] f = line.split(" ");
                if (f.length >= 3 && f[0].equals("add") && f[1].startsWith("cali40")) {
                    out.computeIfAbsent(f[2], k -> new HashSet<>()).add(f[1]);
                }
            }
            return out;
        }

        /** Which set holds the sources of policy scale-from-app-K: the set of a known app-K endpoint's address. */
        Map<Integer, String> setsOfApps(Path netns) throws Exception {
            Map<String, Set<String>> members = setMembers(netns);
            Map<Integer, String> out = new HashMap<>();
            for (int a = 0; a < SELECTED_APPS; a++) {
                final int app = a;
                Wep w = weps.stream().filter(x -> x.app == app).findFirst().orElseThrow();
                Set<String> sets = members.getOrDefault(w.ip(), Set.of());
                if (sets.size() != 1) {
                    throw new IllegalStateException(w.ip() + " (app-" + a + ") is in sets " + sets + ", expected exactly one");
                }
                out.put(a, sets.iterator().next());
            }
            System.out.println("IP sets of the policies' sources: " + new TreeMap<>(out));
            return out;
        }

        /** One random change of {@code kind}; returns ms from its etcd write's return until the kernel showed it. */
        double change(String kind, Netlink nl, Path netns, Map<Integer, String> setOfApp) throws Exception {
            switch (kind) {
                case "node-add" -> {
                    int block;
                    do {
                        block = ADDED_BLOCK_BASE + addedBlocks++;
                    } while (kv.get(IpamKeys.block(new Cidr(addressAt(block, 0), BLOCK_SIZE))).isPresent());
                    SynNode n = new SynNode(String.format(Locale.ROOT, "scale-add-%05d", ++addedNodes), block,
                            ipv4(0xAC180000L + addedNodes).toString());
                    n.nextOrdinal = 1;
                    txn(nodeEntries(n), List.of());
                    long t = System.nanoTime();
                    await(kind, t, () -> gatewayOf(nl, n.cidr()) != null && gatewayOf(nl, n.cidr()).equals(n.tunnel()));
                    synthetic.add(n);
                    return (System.nanoTime() - t) / 1e6;
                }
                case "node-remove" -> {
                    SynNode n = synthetic.remove(random.nextInt(synthetic.size()));
                    n.gone = true;
                    List<String> keys = new ArrayList<>();
                    for (Wep w : n.weps) {
                        w.gone = true;
                        keys.add(w.key());
                        keys.add(IpamKeys.handle("k8s-pod-network." + w.containerId()));
                    }
                    // As NodeRemoval (libcalico-go node.go): endpoints, addresses and block, affinity, then the Node.
                    keys.addAll(List.of(IpamKeys.block(n.cidr()), IpamKeys.affinity(n.name, n.cidr()),
                            IpamKeys.handle("vxlan-tunnel-addr-" + n.name), ResourceStore.key(new ResourceId(Kind.NODE, null, n.name))));
                    txn(List.of(), keys);
                    long t = System.nanoTime();
                    await(kind, t, () -> gatewayOf(nl, n.cidr()) == null);
                    return (System.nanoTime() - t) / 1e6;
                }
                case "tunnel-move" -> {
                    SynNode n = roomy();
                    n.tunnelOrdinal = n.nextOrdinal++;
                    kv.put(ResourceStore.key(new ResourceId(Kind.NODE, null, n.name)), nodeValue(n));
                    long t = System.nanoTime();
                    await(kind, t, () -> n.tunnel().equals(gatewayOf(nl, n.cidr())));
                    return (System.nanoTime() - t) / 1e6;
                }
                case "endpoint-add" -> {
                    SynNode n = roomy();
                    Wep w = new Wep(n, "ns-" + random.nextInt(NAMESPACES), String.format(Locale.ROOT, "pod-add-%06d", ++addedWeps),
                            n.nextOrdinal++, random.nextInt(SELECTED_APPS));
                    n.weps.add(w);
                    weps.add(w);
                    kv.put(w.key(), wepValue(w));
                    long t = System.nanoTime();
                    await(kind, t, () -> inSet(netns, setOfApp.get(w.app), w.ip()));
                    return (System.nanoTime() - t) / 1e6;
                }
                case "endpoint-remove" -> {
                    Wep w = pick(x -> x.app < SELECTED_APPS);
                    w.gone = true;
                    kv.delete(w.key());
                    long t = System.nanoTime();
                    await(kind, t, () -> !inSet(netns, setOfApp.get(w.app), w.ip()));
                    return (System.nanoTime() - t) / 1e6;
                }
                default -> {
                    // Relabel: a selected endpoint leaves its set, or an unselected one joins one.
                    Wep w = pick(x -> true);
                    int old = w.app;
                    w.app = old < SELECTED_APPS ? SELECTED_APPS + random.nextInt(APPS - SELECTED_APPS) : random.nextInt(SELECTED_APPS);
                    kv.put(w.key(), wepValue(w));
                    long t = System.nanoTime();
                    String set = setOfApp.get(Math.min(old, w.app));
                    boolean join = w.app < SELECTED_APPS;
                    await(kind, t, () -> inSet(netns, set, w.ip()) == join);
                    return (System.nanoTime() - t) / 1e6;
                }
            }
        }

        /**
         * {@code kind}, or a node-add when nothing is left to apply it to: a small cluster (--nodes 2) runs out of
         * remote nodes, free addresses or selected endpoints after a few changes, and a node-add is always possible.
         */
        String feasible(String kind) {
            // No random draws here: the changes of a seed stay the same sequence as before this check.
            boolean possible = switch (kind) {
                case "node-remove" -> !synthetic.isEmpty();
                case "tunnel-move", "endpoint-add" -> synthetic.stream().anyMatch(n -> n.nextOrdinal < 64);
                case "endpoint-remove" -> weps.stream().anyMatch(w -> !w.gone && w.app < SELECTED_APPS);
                case "endpoint-relabel" -> weps.stream().anyMatch(w -> !w.gone);
                default -> true;
            };
            return possible ? kind : "node-add";
        }

        /** A random node whose block has a free address left (a /26: ordinals up to 63), or null when none has. */
        SynNode roomy() {
            return anyOf(synthetic, n -> n.nextOrdinal < 64);
        }

        /** The median time of one kernel check, ms: what a change's time includes at most once more than it took. */
        static double checkCost(Check check) throws Exception {
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                long t = System.nanoTime();
                check.holds();
                ms.add((System.nanoTime() - t) / 1e6);
            }
            return percentile(ms, 50);
        }

        /** A random endpoint still there that {@code p} accepts, or null when there is none. */
        Wep pick(Predicate<Wep> p) {
            return anyOf(weps, w -> !w.gone && p.test(w));
        }

        /** A random element that {@code p} accepts: a few random draws, then a scan (it may have none). */
        <T> T anyOf(List<T> items, Predicate<T> p) {
            for (int i = 0; i < 64 && !items.isEmpty(); i++) {
                T t = items.get(random.nextInt(items.size()));
                if (p.test(t)) {
                    return t;
                }
            }
            List<T> left = items.stream().filter(p).toList();
            return left.isEmpty() ? null : left.get(random.nextInt(left.size()));
        }

        interface Check {
            boolean holds() throws Exception;
        }

        static void await(String kind, long start, Check check) throws Exception {
            while (!check.holds()) {
                if (System.nanoTime() - start > CHANGE_TIMEOUT_NANOS) {
                    throw new IllegalStateException("a " + kind + " change did not reach the kernel within "
                            + CHANGE_TIMEOUT_NANOS / 1_000_000_000L + " s");
                }
                Thread.sleep(0, 500_000);
            }
        }

        static IpAddress gatewayOf(Netlink nl, Cidr block) {
            return nl.routeList(new RouteFilter(Family.INET, Route.MAIN_TABLE, RouteProtocol.VXLAN, null, block)).stream()
                    .filter(r -> r.destination().equals(block)).map(Route::gateway).findFirst().orElse(null);
        }

        boolean inSet(Path netns, String set, String ip) throws IOException {
            if (ipset == null) {
                ipset = new IpsetProbe(netns);
            }
            return ipset.contains(set, ip);
        }

        /** Puts and deletes in one etcd transaction (at most 128 operations, etcd's default). */
        void txn(List<KvEntry> puts, List<String> deletes) throws Exception {
            List<Op> ops = new ArrayList<>();
            puts.forEach(e -> ops.add(Op.put(EtcdKeys.bytes(e.key()), ByteSequence.from(e.value()), PutOption.DEFAULT)));
            deletes.forEach(k -> ops.add(Op.delete(EtcdKeys.bytes(k), DeleteOption.DEFAULT)));
            kv.client().getKVClient().txn().Then(ops.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
        }

        /** etcd's own counters and gauges, summed over their labels, from its client port's /metrics. */
        Map<String, Double> metrics() throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Double> out = new HashMap<>();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String name = line.split("[ {]")[0];
                if (name.equals("etcd_debugging_mvcc_watcher_total") || name.equals("etcd_debugging_mvcc_watch_stream_total")
                        || name.equals("etcd_network_client_grpc_sent_bytes_total")) {
                    out.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                }
            }
            return out;
        }

        /** The heap's generations as GC.heap_info gives them now (no GC first), one line. */
        static String heapNow(long pid) {
            try {
                return String.join("; ", execHost("jcmd", Long.toString(pid), "GC.heap_info").out.lines()
                        .filter(l -> l.contains("generation")).map(String::strip).map(l -> l.replaceAll(" \\[.*", "")).toList());
            } catch (Exception e) {
                return "unknown (" + e.getMessage() + ")";
            }
        }

        /** Where a broken service's heap went: the top of jcmd GC.class_histogram. */
        static void histogram(long pid) {
            try {
                System.out.println("heap histogram of pid " + pid + " (top 12):");
                execHost("jcmd", Long.toString(pid), "GC.class_histogram").out.lines().skip(3).limit(12)
                        .forEach(l -> System.out.println("  " + l));
            } catch (Exception e) {
                System.out.println("  unavailable: " + e.getMessage());
            }
        }

        /** Heap in use after a full GC, MB: the sum of the generations' "used" in GC.heap_info. */
        static double heapMb(long pid) throws Exception {
            execHost("jcmd", Long.toString(pid), "GC.run");
            String info = execHost("jcmd", Long.toString(pid), "GC.heap_info").out;
            Matcher m = Pattern.compile("(?m)^\\s*(?:def new generation|tenured generation|garbage-first heap|PSYoungGen|ParOldGen)"
                    + "\\s+total \\d+K, used (\\d+)K").matcher(info);
            long kb = 0;
            boolean any = false;
            while (m.find()) {
                kb += Long.parseLong(m.group(1));
                any = true;
            }
            if (!any) {
                throw new IllegalStateException("jcmd " + pid + " GC.heap_info gave no heap line: " + info.lines().findFirst().orElse(""));
            }
            return kb / 1024.0;
        }

        void report(Map<String, Double> converge, Map<String, Double> floor, Map<String, List<Double>> byKind,
                    Map<String, Double> heap, Map<String, Double> m0, Map<String, Double> m1, Map<String, Double> m2) {
            List<Double> all = new ArrayList<>();
            byKind.values().forEach(all::addAll);
            System.out.println();
            System.out.printf(Locale.ROOT, "scale: %d nodes (%d synthetic + this one), %d endpoints, %d changes%n", nodes,
                    nodes - 1, endpoints, changes);
            converge.forEach((s, v) -> System.out.printf(Locale.ROOT, "converge %-16s %7.2f s   floor %5.2f s   heap after GC %6.1f MB%n",
                    s, v, floor.getOrDefault(s, Double.NaN), heap.get(s)));
            byKind.forEach((k, v) -> System.out.printf(Locale.ROOT, "changes %-17s n=%4d p50_ms=%7.1f p99_ms=%7.1f max_ms=%7.1f%n",
                    k, v.size(), percentile(v, 50), percentile(v, 99), percentile(v, 100)));
            String w = "etcd_debugging_mvcc_watcher_total";
            String ws = "etcd_debugging_mvcc_watch_stream_total";
            String sent = "etcd_network_client_grpc_sent_bytes_total";
            double watchers = m1.getOrDefault(w, 0.0) - m0.getOrDefault(w, 0.0);
            double sentConverge = (m1.getOrDefault(sent, 0.0) - m0.getOrDefault(sent, 0.0)) / 1e6;
            double sentChanges = (m2.getOrDefault(sent, 0.0) - m1.getOrDefault(sent, 0.0)) / 1e6;
            System.out.printf(Locale.ROOT, "etcd load of this node: %.0f watchers on %.0f watch streams; sent %.1f MB during the"
                            + " converge, %.1f MB during the changes (%.1f kB per change)%n", watchers,
                    m1.getOrDefault(ws, 0.0) - m0.getOrDefault(ws, 0.0), sentConverge, sentChanges, sentChanges * 1000 / Math.max(1, changes));
            double convergeS = slowest(converge);
            double floorS = slowest(floor);
            failed.forEach((s, why) -> System.out.printf(Locale.ROOT, "FAILED %s: %s%n", s, why));
            System.out.printf(Locale.ROOT, "BENCH scale nodes=%d endpoints=%d converge_s=%.2f floor_s=%.2f update_p50_ms=%.1f"
                            + " update_p99_ms=%.1f heap_max_mb=%.1f etcd_watchers=%.0f etcd_sent_mb=%.1f ratio=%.2f%s%n", nodes,
                    endpoints, convergeS, floorS,
                    percentile(all, 50), percentile(all, 99), heap.values().stream().mapToDouble(Double::doubleValue)
                            .filter(v -> !Double.isNaN(v)).max().orElse(0), watchers, sentConverge, convergeS / 2,
                    failed.isEmpty() ? "" : " failed=" + String.join(",", failed.keySet()));
        }

        /** The slowest service's time, leaving out those that broke (NaN); 0 when none converged. */
        static double slowest(Map<String, Double> times) {
            return times.values().stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).max().orElse(0);
        }
    }

    static IpAddress addressAt(int block, int ordinal) {
        long base = 0x0A800000L; // 10.128.0.0
        return ipv4(base + (long) block * 64 + ordinal);
    }

    static IpAddress ipv4(long v) {
        return IpAddress.of(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    static double percentile(List<Double> samples, int p) {
        if (samples.isEmpty()) {
            return 0;
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    record Exec(int code, String out) {
    }

    /** A command in the node's network namespace (nsenter: one process, no mount namespace work). */
    static Exec exec(Path netns, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + netns));
        full.addAll(List.of(cmd));
        return execHost(full.toArray(String[]::new));
    }

    static Exec execHost(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Exec(p.waitFor(), out);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench scale: cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
