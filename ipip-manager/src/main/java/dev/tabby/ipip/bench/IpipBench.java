package dev.tabby.ipip.bench;

import dev.tabby.dataplane.bench.BenchNamespace;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipip.agent.AgentSettings;
import dev.tabby.ipip.agent.IpipAgent;
import dev.tabby.ipip.plan.TunnelSpec;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.RouteProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code bin/tabby bench ipip} (run inside {@code bin/tabby vm run}: it needs the ipip module): 1,000 remote nodes,
 * each with an underlay address and one /26 block affine to it, in an IP-in-IP pool (ipipMode Always) in a local
 * etcd. Measures the time from the IP-in-IP agent's start (syncer, plan, tunl0, route driver) until tunl0 is up with
 * its MTU and tunnel address and all 1,000 routes {@code <block> via <node> dev tunl0 onlink proto 82} are in a fresh
 * namespace, beside iproute2's batch mode doing the same tunl0 set-up and adding the same routes in another fresh
 * namespace (the floor). Last line: {@code BENCH ipip nodes=1000 tabby_s=... floor_s=... ratio=...}.
 *
 * <p>Untimed rounds first run the agent in throw-away namespaces so the timed round sees a warm JVM, as a
 * long-running service does; the first of them, a cold start, is printed too. Each agent round also prints when the
 * datastore was first seen in sync and when the first route appeared, so a slow round shows where its time went.
 */
public final class IpipBench {
    static final int NODES = 1000;
    /** One more than vxlan's: the JIT of an emulated CPU takes longer to settle. */
    static final int WARMUP_ROUNDS = 3;
    static final String LOCAL = "bench-local";
    static final String LOCAL_ADDRESS = "10.250.0.1/16";
    static final String POOL = "10.64.0.0/14";
    /** The local node's ipv4IPIPTunnelAddr: in the pool, outside every remote block (block 0 is left unused). */
    static final String LOCAL_TUNNEL = "10.64.0.1";
    /** tunl0's MTU as the manager derives it: eth0's 1500 minus IP-in-IP's 20 (no ipipMTU in the datastore). */
    static final int TUNNEL_MTU = 1480;
    static final long TIMEOUT_NANOS = 300_000_000_000L;
    /**
     * Per etcd call, and for etcd's start: the VM emulates its CPU (no KVM here) and loads classes over 9p, so a cold
     * JVM's first calls take far longer than the default 10 s.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

    private IpipBench() {
    }

    record Remote(String name, IpAddress underlay, Cidr block) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tabby-bench-ipip-");
        try (LocalEtcd etcd = LocalEtcd.builder(dir.resolve("etcd")).startTimeout(CALL_TIMEOUT).start();
             KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig().withTimeout(CALL_TIMEOUT))) {
            List<Remote> remotes = remotes();
            load(kv, remotes);

            double cold = 0;
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                try (BenchNamespace warm = BenchNamespace.create(LOCAL_ADDRESS)) {
                    double t = runAgent(kv, warm, remotes, "warm-up " + (round + 1));
                    cold = round == 0 ? t : cold;
                }
            }
            double tabby;
            try (BenchNamespace ns = BenchNamespace.create(LOCAL_ADDRESS)) {
                tabby = runAgent(kv, ns, remotes, "timed");
            }
            double floor;
            try (BenchNamespace ns = BenchNamespace.create(LOCAL_ADDRESS)) {
                floor = runFloor(ns, remotes, dir);
            }
            System.out.printf(Locale.ROOT, "cold start (first run in this JVM): tabby_s=%.3f%n", cold);
            System.out.printf(Locale.ROOT, "BENCH ipip nodes=%d tabby_s=%.3f floor_s=%.3f ratio=%.2f%n",
                    NODES, tabby, floor, tabby / floor);
        } finally {
            deleteRecursively(dir);
        }
    }

    static List<Remote> remotes() {
        List<Remote> out = new ArrayList<>(NODES);
        long base = toLong(Cidr.parse(POOL).address());
        for (int i = 0; i < NODES; i++) {
            String name = String.format(Locale.ROOT, "bench-%04d", i);
            IpAddress blockStart = ipv4(base + 64L * (i + 1)); // block 0 holds the local tunnel address
            IpAddress underlay = ipv4(toLong(Cidr.parse(LOCAL_ADDRESS).address()) + 1 + i);
            out.add(new Remote(name, underlay, new Cidr(blockStart, 26)));
        }
        return out;
    }

    static long toLong(IpAddress a) {
        byte[] b = a.bytes();
        return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    }

    static IpAddress ipv4(long v) {
        return IpAddress.of(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** The pool, the local node (address and tunnel address), and the remote nodes with a block each. */
    static void load(KeyValueStore kv, List<Remote> remotes) {
        List<KvEntry> entries = new ArrayList<>();
        IPPool pool = new IPPool(ObjectMeta.named("bench-pool"),
                new IPPool.Spec(POOL, "Never", "Always", false, false, 26, "all()"));
        entries.add(entry(ResourceStore.prefix(Kind.IP_POOL, null) + pool.name(), ResourceCodec.toStoredValue(pool)));
        entries.add(entry(ResourceStore.prefix(Kind.NODE, null) + LOCAL,
                ResourceCodec.toStoredValue(node(LOCAL, LOCAL_ADDRESS, LOCAL_TUNNEL))));
        for (Remote r : remotes) {
            entries.add(entry(ResourceStore.prefix(Kind.NODE, null) + r.name(),
                    ResourceCodec.toStoredValue(node(r.name(), r.underlay() + "/16", null))));
            entries.add(entry(IpamKeys.block(r.block()), IpamJson.encode(AllocationBlock.create(r.block(), r.name()))));
        }
        for (int i = 0; i < entries.size(); i += 100) {
            kv.putAll(entries.subList(i, Math.min(entries.size(), i + 100)));
        }
    }

    static Node node(String name, String address, String tunnel) {
        Node.BGP bgp = new Node.BGP(null, address, null, tunnel, null);
        return new Node(ObjectMeta.named(name), new Node.Spec(bgp, null, null, null, null, null), null);
    }

    static KvEntry entry(String key, byte[] value) {
        return new KvEntry(key, value, 0, 0);
    }

    /** Starts an agent on {@code ns} and returns the seconds until tunl0 and every route are in the kernel. */
    static double runAgent(KeyValueStore kv, BenchNamespace ns, List<Remote> remotes, String round) throws Exception {
        try (Netlink agentNl = Netlink.at(ns.path()); Netlink probe = Netlink.at(ns.path())) {
            // The Node already has its tunnel address; no MTU file, so nothing outside the namespace is written.
            AgentSettings settings = AgentSettings.defaults(LOCAL).withAllocateTunnelAddress(false).withMtuFile(null);
            long start = System.nanoTime();
            try (IpipAgent agent = new IpipAgent(kv, agentNl, settings).start()) {
                Milestones m = awaitAll(probe, agent, remotes, start);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "agent (%s): all routes after %.3f s; in sync seen at %.3f s,"
                                + " first route at %.3f s; route dumps=%d%n", round, seconds, m.inSyncSeconds(),
                        m.firstRouteSeconds(), m.dumps());
                return seconds;
            }
        }
    }

    /**
     * When the poll first saw the datastore in sync and the first route of ours, in seconds after the start, and how
     * many route dumps the poll made.
     */
    record Milestones(double inSyncSeconds, double firstRouteSeconds, int dumps) {
    }

    /**
     * Polls the kernel until every route is there (one dump of our protocol's routes), then checks tunl0, which the
     * manager makes right before it writes routes (an onlink route needs its device up). No dump before the agent is
     * in sync, as no kernel write comes before it: on the VM's two emulated CPUs, dumps every few ms would take CPU
     * from the decoding the agent does meanwhile.
     */
    static Milestones awaitAll(Netlink probe, IpipAgent agent, List<Remote> remotes, long start)
            throws InterruptedException {
        RouteFilter ours = new RouteFilter(Family.INET, Route.MAIN_TABLE, RouteProtocol.IPIP, null, null);
        double inSync = -1;
        double firstRoute = -1;
        int dumps = 0;
        List<Route> routes = List.of();
        while (true) {
            if (inSync < 0 && agent.syncStatus() == SyncStatus.IN_SYNC) {
                inSync = (System.nanoTime() - start) / 1e9;
            }
            if (inSync >= 0) {
                routes = probe.routeList(ours);
                dumps++;
            }
            if (firstRoute < 0 && !routes.isEmpty()) {
                firstRoute = (System.nanoTime() - start) / 1e9;
            }
            if (routes.size() >= remotes.size()) {
                Optional<String> wrong = tunnelProblem(probe);
                if (wrong.isEmpty() && encapsulated(routes, probe) >= remotes.size()) {
                    return new Milestones(inSync, firstRoute, dumps);
                }
            }
            if (System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException("the agent did not program " + remotes.size() + " routes within "
                        + TIMEOUT_NANOS / 1_000_000_000L + " s: " + routes.size() + " of proto " + RouteProtocol.IPIP
                        + "; tunl0: " + tunnelProblem(probe).orElse("as wanted") + "; agent: " + agent.reason());
            }
            Thread.sleep(3);
        }
    }

    /** How tunl0 differs from what the manager should have made of it (up, MTU, the tunnel address), if it does. */
    static Optional<String> tunnelProblem(Netlink probe) {
        Optional<Link> tunl0 = probe.linkByName(TunnelSpec.NAME);
        if (tunl0.isEmpty()) {
            return Optional.of("missing (is the ipip module loadable? run the bench in bin/tabby vm run)");
        }
        if (!tunl0.get().attrs().up() || tunl0.get().attrs().mtu() != TUNNEL_MTU) {
            return Optional.of("up=" + tunl0.get().attrs().up() + " mtu=" + tunl0.get().attrs().mtu());
        }
        Cidr want = new Cidr(IpAddress.parse(LOCAL_TUNNEL), 32);
        List<Addr> addrs = probe.addrList(tunl0.get().index(), Family.INET);
        if (addrs.size() != 1 || !addrs.get(0).address().equals(want)) {
            return Optional.of("addresses " + addrs.stream().map(a -> a.address().toString()).toList());
        }
        return Optional.empty();
    }

    /** Routes via tunl0 with onlink, as the plan wants them for ipipMode Always. */
    static long encapsulated(List<Route> routes, Netlink probe) {
        int index = probe.linkByName(TunnelSpec.NAME).map(Link::index).orElse(0);
        return routes.stream().filter(r -> r.linkIndex() == index && r.onlink() && r.gateway() != null).count();
    }

    /**
     * iproute2's batch mode doing the manager's work: tunl0's MTU, up, its address, then the same routes; returns its
     * wall time in seconds. tunl0 is already there (the agent's rounds loaded the ipip module), down, as in any new
     * namespace.
     */
    static double runFloor(BenchNamespace ns, List<Remote> remotes, Path dir) throws IOException {
        StringBuilder ip = new StringBuilder();
        ip.append("link set ").append(TunnelSpec.NAME).append(" mtu ").append(TUNNEL_MTU).append(" up\n");
        ip.append("addr add ").append(LOCAL_TUNNEL).append("/32 dev ").append(TunnelSpec.NAME).append('\n');
        for (Remote r : remotes) {
            ip.append("route add ").append(r.block()).append(" via ").append(r.underlay()).append(" dev ")
                    .append(TunnelSpec.NAME).append(" onlink proto ").append(RouteProtocol.IPIP).append('\n');
        }
        Path batch = dir.resolve("floor.ip");
        Files.writeString(batch, ip.toString(), StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        BenchNamespace.run("ip", "-n", ns.name(), "-batch", batch.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        String routes = BenchNamespace.run("ip", "-n", ns.name(), "route", "show", "proto",
                Integer.toString(RouteProtocol.IPIP));
        if (routes.lines().count() != remotes.size()) {
            throw new IllegalStateException("the floor made " + routes.lines().count() + " routes, not "
                    + remotes.size());
        }
        System.out.printf(Locale.ROOT, "floor (ip -batch): tunl0 and all routes after %.3f s%n", seconds);
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
