package dev.tabby.vxlan.bench;

import dev.tabby.dataplane.bench.BenchNamespace;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Fdb;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.vxlan.agent.AgentSettings;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.plan.VtepMac;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code bin/tabby bench vxlan}: 1,000 remote nodes with tunnel addresses, MACs and one IPAM block each in a local
 * etcd. Measures the time from the VXLAN agent's start (syncer, plan, device, drivers) to all 1,000 FDB entries,
 * 1,000 ARP entries and 1,000 routes present in a fresh namespace, beside iproute2's batch mode creating the same
 * device and entries in another fresh namespace (the floor). Then moves {@value #UPDATES} remote nodes' tunnel
 * addresses (each to the next address of its block, with a new tunnel MAC), one at a time, and measures each from the
 * etcd write until the kernel shows all of it: the ARP entry, the FDB entry and the block's route via the new
 * address. Last line:
 * {@code BENCH vxlan nodes=1000 tabby_s=... floor_s=... ratio=... update_p50_ms=... update_p99_ms=...}.
 *
 * <p>Untimed rounds first run the agent in throw-away namespaces so the timed round sees a warm JVM, as a
 * long-running service does (the JIT has compiled the decode and netlink paths); the first of them, a cold start, is
 * printed too. The update percentiles are nearest-rank over the {@value #UPDATES} samples.
 */
public final class VxlanBench {
    static final int NODES = 1000;
    static final int UPDATES = 100;
    static final int WARMUP_ROUNDS = 2;
    static final String LOCAL = "bench-local";
    static final String LOCAL_ADDRESS = "10.250.0.1/16";
    static final String POOL = "10.64.0.0/14";

    private VxlanBench() {
    }

    record Remote(String name, IpAddress underlay, IpAddress tunnel, MacAddress mac, Cidr block) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tabby-bench-vxlan-");
        try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"));
             KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            List<Remote> remotes = remotes();
            load(kv, remotes);

            double cold = 0;
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                try (BenchNamespace warm = BenchNamespace.create(LOCAL_ADDRESS)) {
                    double t = runAgent(kv, warm, remotes, false);
                    cold = round == 0 ? t : cold;
                }
            }
            double tabby;
            List<Double> updateMs;
            try (BenchNamespace ns = BenchNamespace.create(LOCAL_ADDRESS)) {
                tabby = runAgentAndUpdate(kv, ns, remotes);
                updateMs = lastUpdatesMs;
            }
            double floor;
            try (BenchNamespace ns = BenchNamespace.create(LOCAL_ADDRESS)) {
                floor = runFloor(ns, remotes, dir);
            }
            System.out.printf(Locale.ROOT, "cold start (first run in this JVM): tabby_s=%.3f%n", cold);
            System.out.printf(Locale.ROOT, "updates: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d%n",
                    percentile(updateMs, 50), percentile(updateMs, 99), percentile(updateMs, 100), updateMs.size());
            System.out.printf(Locale.ROOT, "BENCH vxlan nodes=%d tabby_s=%.3f floor_s=%.3f ratio=%.2f update_p50_ms=%.1f"
                    + " update_p99_ms=%.1f%n", NODES, tabby, floor, tabby / floor, percentile(updateMs, 50),
                    percentile(updateMs, 99));
        } finally {
            deleteRecursively(dir);
        }
    }

    static List<Remote> remotes() {
        List<Remote> out = new ArrayList<>(NODES);
        byte[] pool = Cidr.parse(POOL).address().bytes();
        long base = ((pool[0] & 0xffL) << 24) | ((pool[1] & 0xffL) << 16) | ((pool[2] & 0xffL) << 8) | (pool[3] & 0xffL);
        for (int i = 0; i < NODES; i++) {
            String name = String.format(Locale.ROOT, "bench-%04d", i);
            IpAddress blockStart = ipv4(base + 64L * (i + 1)); // block 0 is the local node's
            IpAddress underlay = ipv4((10L << 24) | (250L << 16) + 2 + i);
            out.add(new Remote(name, underlay, blockStart, VtepMac.derived(name), new Cidr(blockStart, 26)));
        }
        return out;
    }

    static IpAddress ipv4(long v) {
        return IpAddress.of(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** The pool, the local node (tunnel address in block 0), and the remote nodes with a block each. */
    static void load(KeyValueStore kv, List<Remote> remotes) {
        List<KvEntry> entries = new ArrayList<>();
        IPPool pool = new IPPool(ObjectMeta.named("bench-pool"),
                new IPPool.Spec(POOL, "Always", "Never", false, false, 26, "all()"));
        entries.add(entry(ResourceStore.prefix(Kind.IP_POOL, null) + pool.name(), ResourceCodec.toStoredValue(pool)));
        Cidr localBlock = new Cidr(Cidr.parse(POOL).address(), 26);
        entries.add(entry(ResourceStore.prefix(Kind.NODE, null) + LOCAL, ResourceCodec.toStoredValue(
                node(LOCAL, LOCAL_ADDRESS, localBlock.address().toString(), null))));
        entries.add(entry(IpamKeys.block(localBlock), IpamJson.encode(AllocationBlock.create(localBlock, LOCAL))));
        for (Remote r : remotes) {
            entries.add(entry(ResourceStore.prefix(Kind.NODE, null) + r.name(), ResourceCodec.toStoredValue(
                    node(r.name(), r.underlay() + "/16", r.tunnel().toString(), r.mac().toString()))));
            entries.add(entry(IpamKeys.block(r.block()), IpamJson.encode(AllocationBlock.create(r.block(), r.name()))));
        }
        for (int i = 0; i < entries.size(); i += 100) {
            kv.putAll(entries.subList(i, Math.min(entries.size(), i + 100)));
        }
    }

    static Node node(String name, String address, String tunnel, String mac) {
        return new Node(ObjectMeta.named(name), new Node.Spec(new Node.BGP(null, address, null, null, null), tunnel, mac,
                null, null, null), null);
    }

    static KvEntry entry(String key, byte[] value) {
        return new KvEntry(key, value, 0, 0);
    }

    static List<Double> lastUpdatesMs = List.of();

    /** Starts an agent on {@code ns} and returns the seconds until every entry is in the kernel. */
    static double runAgent(KeyValueStore kv, BenchNamespace ns, List<Remote> remotes, boolean keepForUpdates)
            throws Exception {
        try (Netlink agentNl = Netlink.at(ns.path()); Netlink probe = Netlink.at(ns.path())) {
            AgentSettings settings = AgentSettings.defaults(LOCAL).withAllocateTunnelAddress(false);
            long start = System.nanoTime();
            try (VxlanAgent agent = new VxlanAgent(kv, agentNl, settings).start()) {
                awaitAll(probe, remotes, start);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "agent: all entries after %.3f s; applies=%d, last apply %.3f s%n", seconds,
                        agent.counters().applies(), agent.counters().lastApplyDuration().toNanos() / 1e9);
                if (keepForUpdates) {
                    lastUpdatesMs = updates(kv, probe, remotes);
                }
                return seconds;
            }
        }
    }

    static double runAgentAndUpdate(KeyValueStore kv, BenchNamespace ns, List<Remote> remotes) throws Exception {
        return runAgent(kv, ns, remotes, true);
    }

    /**
     * Polls the kernel until every entry is there. Routes are written last, so their count is checked first (one
     * cheap dump); the FDB and ARP entries are counted once the routes are complete.
     */
    static void awaitAll(Netlink probe, List<Remote> remotes, long start) throws InterruptedException {
        RouteFilter ours = new RouteFilter(Family.INET, Route.MAIN_TABLE, RouteProtocol.VXLAN, null, null);
        while (true) {
            // One route per remote block, and the blackhole for the local block.
            if (probe.routeList(ours).size() >= remotes.size() + 1) {
                int index = probe.linkByName("vxlan.calico").map(l -> l.index()).orElse(0);
                if (index > 0 && probe.fdbList(index).size() >= remotes.size()
                        && neighbours(probe, index) >= remotes.size()) {
                    return;
                }
            }
            if (System.nanoTime() - start > 120_000_000_000L) {
                throw new IllegalStateException("the agent did not program " + remotes.size() + " nodes within 120 s");
            }
            Thread.sleep(3);
        }
    }

    static int neighbours(Netlink probe, int index) {
        int n = 0;
        for (Neigh x : probe.neighList(index, Family.INET)) {
            if ((x.state() & Neigh.PERMANENT) != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Moves {@link #UPDATES} different nodes' tunnel addresses to the next address of their block, each with a new
     * tunnel MAC, one at a time; returns each one's write-to-kernel latency, in ms.
     */
    static List<Double> updates(KeyValueStore kv, Netlink probe, List<Remote> remotes) throws Exception {
        int index = probe.linkByName("vxlan.calico").orElseThrow().index();
        List<Double> samples = new ArrayList<>(UPDATES);
        for (int u = 1; u <= UPDATES; u++) {
            // 197 and the node count are coprime: every update moves a node not moved before.
            Remote before = remotes.get((u * 197) % remotes.size());
            byte[] start = before.block().address().bytes();
            IpAddress tunnel = IpAddress.of(new byte[] {start[0], start[1], start[2], (byte) (start[3] + 1)});
            MacAddress mac = MacAddress.of(new byte[] {0x02, 0, 0, 0, (byte) u, (byte) 0x5a});
            Remote r = new Remote(before.name(), before.underlay(), tunnel, mac, before.block());
            byte[] value = ResourceCodec.toStoredValue(node(r.name(), r.underlay() + "/16", tunnel.toString(),
                    mac.toString()));
            long t0 = System.nanoTime();
            kv.put(ResourceStore.prefix(Kind.NODE, null) + r.name(), value);
            while (!shows(probe, index, r)) {
                if (System.nanoTime() - t0 > 30_000_000_000L) {
                    throw new IllegalStateException("the tunnel address change of " + r.name()
                            + " did not reach the kernel in 30 s");
                }
                Thread.sleep(0, 200_000);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            if (u <= 3 || u % 20 == 0) {
                System.out.printf(Locale.ROOT, "update %d: %s tunnel %s, MAC %s in %.1f ms%n", u, r.name(), tunnel, mac, ms);
            }
            samples.add(ms);
            Thread.sleep(20);
        }
        return samples;
    }

    /** Whether the kernel has {@code r}'s ARP and FDB entries and its block's route via its tunnel address. */
    static boolean shows(Netlink probe, int index, Remote r) {
        boolean neigh = probe.neighList(index, Family.INET).stream()
                .anyMatch(n -> n.ip().equals(r.tunnel()) && r.mac().equals(n.mac()));
        if (!neigh || probe.fdbList(index).stream().noneMatch(f -> f.mac().equals(r.mac())
                && r.underlay().equals(f.remote()))) {
            return false;
        }
        RouteFilter block = new RouteFilter(Family.INET, Route.MAIN_TABLE, RouteProtocol.VXLAN, null, r.block());
        return probe.routeList(block).stream().anyMatch(x -> r.block().equals(x.destination())
                && r.tunnel().equals(x.gateway()));
    }

    /** Nearest-rank percentile of the samples. */
    static double percentile(List<Double> samples, int p) {
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** iproute2's batch mode making the same device and entries; returns its wall time in seconds. */
    static double runFloor(BenchNamespace ns, List<Remote> remotes, Path dir) throws IOException {
        StringBuilder ip = new StringBuilder();
        String local = Cidr.parse(LOCAL_ADDRESS).address().toString();
        ip.append("link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 local ").append(local)
                .append(" nolearning\n");
        ip.append("addr add ").append(Cidr.parse(POOL).address()).append("/32 dev vxlan.calico\n");
        ip.append("link set vxlan.calico mtu 1450 up\n");
        StringBuilder bridge = new StringBuilder();
        for (Remote r : remotes) {
            ip.append("neigh replace ").append(r.tunnel()).append(" lladdr ").append(r.mac())
                    .append(" dev vxlan.calico nud permanent\n");
            bridge.append("fdb replace ").append(r.mac()).append(" dev vxlan.calico dst ").append(r.underlay())
                    .append(" self permanent\n");
        }
        for (Remote r : remotes) {
            ip.append("route replace ").append(r.block()).append(" via ").append(r.tunnel())
                    .append(" dev vxlan.calico onlink proto 81\n");
        }
        ip.append("route replace blackhole ").append(new Cidr(Cidr.parse(POOL).address(), 26)).append(" proto 81\n");
        Path ipBatch = dir.resolve("floor.ip");
        Path bridgeBatch = dir.resolve("floor.bridge");
        Files.writeString(ipBatch, ip.toString(), StandardCharsets.UTF_8);
        Files.writeString(bridgeBatch, bridge.toString(), StandardCharsets.UTF_8);
        // iproute2 needs the device before the bridge entries: the ip batch first, as the agent orders its writes.
        long t0 = System.nanoTime();
        BenchNamespace.run("ip", "-n", ns.name(), "-batch", ipBatch.toString());
        BenchNamespace.run("bridge", "-n", ns.name(), "-batch", bridgeBatch.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        String routes = BenchNamespace.run("ip", "-n", ns.name(), "route", "show", "proto", "81");
        if (routes.lines().count() != remotes.size() + 1) {
            throw new IllegalStateException("the floor made " + routes.lines().count() + " routes, not "
                    + (remotes.size() + 1));
        }
        return seconds;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
