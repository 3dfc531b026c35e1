package dev.tabby.dataplane.bench;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.fdb.FdbKernel;
import dev.tabby.dataplane.fdb.FdbTable;
import dev.tabby.dataplane.neigh.NeighKernel;
import dev.tabby.dataplane.neigh.NeighTable;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.dataplane.route.RouteKernel;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bin/tabby bench netlink}: how fast the drivers program a VXLAN node's worth of kernel objects, against
 * iproute2's batch mode doing the same objects in the same run. Each side gets a fresh namespace
 * ({@code tabby-b-*}) holding only a {@code vxlan.calico} device, removed afterwards whatever happens.
 *
 * <p>The JVM side first runs untimed rounds in throw-away namespaces, so the timed rounds measure the steady state a
 * long-running service sees rather than the JIT warming up.
 */
public final class NetlinkBench {
    private static final int COUNT = 10_000;
    private static final String DEVICE = "vxlan.calico";
    private static final int WARMUP_ROUNDS = 2;
    private static final int ROUNDS = 5;

    private NetlinkBench() {
    }

    /** One side's wall times, in seconds. */
    private record Timing(double routes, double neighFdb) {
        Timing best(Timing other) {
            return new Timing(Math.min(routes, other.routes), Math.min(neighFdb, other.neighFdb));
        }
    }

    public static void main(String[] args) throws Exception {
        BenchObjects objects = new BenchObjects(COUNT);

        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            try (BenchNamespace warmup = BenchNamespace.create()) {
                runTabby(warmup, objects);
            }
        }
        // Rounds alternate sides, each in a fresh namespace; the best round of each side is compared, so a noisy
        // neighbour on the machine (or a GC pause) does not decide the ratio.
        Timing tabby = null;
        Timing floor = null;
        for (int round = 1; round <= ROUNDS; round++) {
            Timing t;
            try (BenchNamespace ns = BenchNamespace.create()) {
                t = runTabby(ns, objects);
                ns.expectCounts(COUNT);
            }
            Timing f;
            try (BenchNamespace ns = BenchNamespace.create()) {
                f = runIproute2(ns, objects);
                ns.expectCounts(COUNT);
            }
            System.out.printf(Locale.ROOT, "round %d: routes tabby_s=%.3f floor_s=%.3f; neigh+fdb tabby_s=%.3f floor_s=%.3f%n",
                    round, t.routes(), f.routes(), t.neighFdb(), f.neighFdb());
            tabby = tabby == null ? t : tabby.best(t);
            floor = floor == null ? f : floor.best(f);
        }

        double ratio = tabby.routes() / floor.routes();
        double neighFdbRatio = tabby.neighFdb() / floor.neighFdb();
        System.out.printf(Locale.ROOT, "best of %d: neigh+fdb tabby_s=%.3f floor_s=%.3f (%d neighbours + %d fdb entries)%n",
                ROUNDS, tabby.neighFdb(), floor.neighFdb(), COUNT, COUNT);
        System.out.printf(Locale.ROOT, "BENCH netlink routes=%d tabby_s=%.3f floor_s=%.3f ratio=%.2f neigh_fdb_ratio=%.2f%n",
                COUNT, tabby.routes(), floor.routes(), ratio, neighFdbRatio);
    }

    private static Timing runTabby(BenchNamespace ns, BenchObjects objects) {
        try (Netlink netlink = Netlink.at(ns.path())) {
            int vxlan = netlink.linkByName(DEVICE).orElseThrow().index();

            long t0 = System.nanoTime();
            RouteTable routes = new RouteTable(RouteKernel.of(netlink), Route.MAIN_TABLE, RouteProtocol.VXLAN,
                    IpFamilies.IPV4);
            for (Cidr dst : objects.routeDestinations) {
                routes.setRoute(Route.via(dst, null, vxlan, RouteProtocol.VXLAN));
            }
            check(routes.apply());
            long t1 = System.nanoTime();

            NeighTable neighbours = new NeighTable(NeighKernel.of(netlink), DEVICE);
            FdbTable fdb = new FdbTable(FdbKernel.of(netlink), DEVICE);
            for (int i = 0; i < objects.count; i++) {
                neighbours.setNeighbour(objects.vtepIps.get(i), objects.vtepMacs.get(i));
                fdb.setEntry(objects.vtepMacs.get(i), objects.underlayIps.get(i));
            }
            check(neighbours.apply());
            check(fdb.apply());
            long t2 = System.nanoTime();
            return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }

    private static void check(ApplyResult result) {
        if (!result.ok()) {
            throw new IllegalStateException("bench apply failed: " + result.summary());
        }
    }

    private static Timing runIproute2(BenchNamespace ns, BenchObjects objects) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tabby-bench");
        try {
            List<String> routeLines = new ArrayList<>();
            for (Cidr dst : objects.routeDestinations) {
                routeLines.add("route add " + dst + " dev " + DEVICE + " proto " + RouteProtocol.VXLAN);
            }
            List<String> neighLines = new ArrayList<>();
            List<String> fdbLines = new ArrayList<>();
            for (int i = 0; i < objects.count; i++) {
                neighLines.add("neigh replace " + objects.vtepIps.get(i) + " lladdr " + objects.vtepMacs.get(i)
                        + " dev " + DEVICE + " nud permanent");
                fdbLines.add("fdb append " + objects.vtepMacs.get(i) + " dev " + DEVICE + " dst "
                        + objects.underlayIps.get(i) + " self permanent");
            }
            Path routeFile = Files.write(dir.resolve("routes"), routeLines);
            Path neighFile = Files.write(dir.resolve("neigh"), neighLines);
            Path fdbFile = Files.write(dir.resolve("fdb"), fdbLines);

            long t0 = System.nanoTime();
            Shell.run("ip", "-n", ns.name(), "-batch", routeFile.toString());
            long t1 = System.nanoTime();
            Shell.run("ip", "-n", ns.name(), "-batch", neighFile.toString());
            Shell.run("bridge", "-n", ns.name(), "-batch", fdbFile.toString());
            long t2 = System.nanoTime();
            return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The same objects for both sides: /32 routes, and one VTEP (inner IP, MAC, underlay IP) per neighbour. */
    private static final class BenchObjects {
        final int count;
        final List<Cidr> routeDestinations = new ArrayList<>();
        final List<IpAddress> vtepIps = new ArrayList<>();
        final List<MacAddress> vtepMacs = new ArrayList<>();
        final List<IpAddress> underlayIps = new ArrayList<>();

        BenchObjects(int count) {
            this.count = count;
            for (int i = 0; i < count; i++) {
                int hi = (i >> 8) & 0xff;
                int lo = i & 0xff;
                routeDestinations.add(Cidr.parse("10.65." + hi + "." + lo + "/32"));
                vtepIps.add(IpAddress.parse("10.244." + hi + "." + lo));
                vtepMacs.add(MacAddress.of(new byte[] {0x66, 0x42, 0, 0, (byte) hi, (byte) lo}));
                underlayIps.add(IpAddress.parse("192.168." + hi + "." + lo));
            }
        }
    }

    /** A {@code tabby-b-*} namespace with a VXLAN device, deleted on close, or at exit if the run is cut short. */
    private static final class BenchNamespace implements AutoCloseable {
        private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(BenchNamespace::delete)));
        }

        private final String name;

        private BenchNamespace(String name) {
            this.name = name;
        }

        static BenchNamespace create() throws IOException, InterruptedException {
            byte[] random = new byte[4];
            ThreadLocalRandom.current().nextBytes(random);
            BenchNamespace ns = new BenchNamespace("tabby-b-" + HexFormat.of().formatHex(random));
            Shell.run("ip", "netns", "add", ns.name);
            LIVE.add(ns.name);
            try {
                Shell.run("ip", "-n", ns.name, "link", "set", "lo", "up");
                // Calico's vxlan.calico: VNI 4096, UDP 4789, no learning; no underlay device is needed to program it.
                Shell.run("ip", "-n", ns.name, "link", "add", DEVICE, "type", "vxlan", "id", "4096", "dstport", "4789",
                        "nolearning");
                Shell.run("ip", "-n", ns.name, "link", "set", DEVICE, "up");
            } catch (Exception e) {
                ns.close();
                throw e;
            }
            return ns;
        }

        String name() {
            return name;
        }

        Path path() {
            return Path.of("/run/netns", name);
        }

        /** Both sides must have programmed everything, or the times mean nothing. */
        void expectCounts(int count) throws IOException, InterruptedException {
            int routes = Shell.lines("ip", "-n", name, "route", "show", "proto", String.valueOf(RouteProtocol.VXLAN));
            int neighbours = Shell.lines("ip", "-n", name, "neigh", "show", "dev", DEVICE, "nud", "permanent");
            // Only entries with a remote: the device's own multicast addresses may be listed too.
            int fdb = (int) Shell.output("bridge", "-n", name, "fdb", "show", "dev", DEVICE).lines()
                    .filter(l -> l.contains(" dst ")).count();
            if (routes != count || neighbours != count || fdb != count) {
                throw new IllegalStateException("namespace " + name + " holds " + routes + " routes, " + neighbours
                        + " neighbours and " + fdb + " fdb entries; expected " + count + " of each");
            }
        }

        @Override
        public void close() {
            delete(name);
            LIVE.remove(name);
        }

        private static void delete(String name) {
            try {
                Shell.run("ip", "netns", "del", name);
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("could not delete namespace " + name + ": " + e.getMessage());
            }
        }
    }

    /** Runs iproute2 and fails loudly with its stderr. */
    private static final class Shell {
        private Shell() {
        }

        static void run(String... command) throws IOException, InterruptedException {
            exec(command);
        }

        static int lines(String... command) throws IOException, InterruptedException {
            return (int) exec(command).lines().filter(l -> !l.isBlank()).count();
        }

        static String output(String... command) throws IOException, InterruptedException {
            return exec(command);
        }

        private static String exec(String... command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + rc + ": " + out.strip());
            }
            return out;
        }
    }
}
