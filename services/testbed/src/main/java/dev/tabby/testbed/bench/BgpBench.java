package dev.tabby.testbed.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.testbed.routers.BirdRouter;
import dev.tabby.testbed.routers.Neighbour;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterConfig;
import dev.tabby.testbed.routers.RouterKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/tabby bench bgp}: a full table over eBGP. BIRD announces 100,000 IPv4 prefixes to each receiver in turn,
 * each in a fresh pair of namespaces ({@code tabby-b-*}): Tabby's standalone bgp-speaker, then BIRD, GoBGP and FRR
 * doing the same work, so the ratio compares Tabby with BIRD measured in the same run. The sender's static protocol
 * is disabled until the receiver's session is Established; {@code birdc enable} starts the clock, and the time to all
 * prefixes in the receiver's RIB and in its kernel (where it installs routes) is polled; {@code birdc disable}
 * starts the full withdraw. Also each receiver's peak RSS (VmHWM) and Tabby's heap growth (after a forced GC).
 *
 * <p>Options: {@code --prefixes N} (default 100000), {@code --profile FILE} (a flight recording of Tabby while it
 * takes the table in, RIB and kernel, to see where its time goes).
 */
public final class BgpBench {
    private static final int DEFAULT_PREFIXES = 100_000;
    private static final long SENDER_AS = 65001;
    private static final long RECEIVER_AS = 64512;
    private static final int SENDER = 1;
    private static final int RECEIVER = 2;
    // BirdConfig's static protocol of the IPv4 prefixes BirdRouter announces.
    private static final String ANNOUNCE4 = "tabby_announce4";
    private static final long PHASE_TIMEOUT_NANOS = 900L * 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BIRD_COUNT = Pattern.compile("(\\d+) of \\d+ routes for (\\d+) networks in table master4");
    private static final Pattern GOBGP_COUNT = Pattern.compile("Destination:\\s*(\\d+)");

    private BgpBench() {
    }

    /** One receiver's results; kernel times are null where it installs nothing. */
    record Result(String receiver, double ribS, Double kernelS, double withdrawS, Double withdrawKernelS,
            double peakRssMb) {
    }

    public static void main(String[] args) throws Exception {
        int prefixes = DEFAULT_PREFIXES;
        Path profile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--prefixes" -> prefixes = Integer.parseInt(value(args, ++i, "--prefixes"));
                case "--profile" -> profile = Path.of(value(args, ++i, "--profile"));
                default -> throw new IllegalArgumentException("bench bgp: unknown argument '" + args[i]
                        + "'; usage: bin/tabby bench bgp [--prefixes N] [--profile FILE.jfr]");
            }
        }
        if (prefixes < 1 || prefixes > 131_072) {
            throw new IllegalArgumentException("--prefixes " + prefixes + " is out of range: 1..131072 (the /25s of"
                    + " 10.0.0.0/8)");
        }
        List<String> table = table(prefixes);
        Map<String, Result> results = new LinkedHashMap<>();
        double[] heap = new double[2];
        results.put("tabby", runTabby(table, heap, profile));
        for (RouterKind kind : RouterKind.values()) {
            results.put(kind.operatorName(), runRouter(kind, table));
        }

        System.out.printf(Locale.ROOT, "%nBGP full table over eBGP: %d IPv4 prefixes from BIRD, each receiver in fresh"
                + " namespaces%n", prefixes);
        System.out.printf(Locale.ROOT, "%-8s %10s %10s %12s %12s %13s%n", "receiver", "rib_s", "kernel_s",
                "withdraw_s", "wd_kernel_s", "peak_rss_mb");
        for (Result r : results.values()) {
            System.out.printf(Locale.ROOT, "%-8s %10.2f %10s %12.2f %12s %13.1f%n", r.receiver(), r.ribS(),
                    orNa(r.kernelS()), r.withdrawS(), orNa(r.withdrawKernelS()), r.peakRssMb());
        }
        System.out.printf(Locale.ROOT, "tabby heap after GC: %.1f MB before the table, %.1f MB with it (growth %.1f MB)%n",
                heap[0], heap[1], heap[1] - heap[0]);
        Result tabby = results.get("tabby");
        Result bird = results.get("bird");
        System.out.printf(Locale.ROOT, "BENCH bgp prefixes=%d tabby_s=%.2f bird_s=%.2f gobgp_s=%.2f frr_s=%.2f ratio=%.2f"
                        + " withdraw_s=%.2f heap_mb=%.1f%n", prefixes, tabby.ribS(), bird.ribS(),
                results.get("gobgp").ribS(), results.get("frr").ribS(), tabby.ribS() / bird.ribS(), tabby.withdrawS(),
                heap[1] - heap[0]);
    }

    /** 10.0.0.0/25, 10.0.0.128/25, 10.0.1.0/25, ...: distinct, and clear of the lab's link 10.250.0.0/24. */
    static List<String> table(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add("10." + (i >> 9) + "." + ((i >> 1) & 0xff) + "." + ((i & 1) * 128) + "/25");
        }
        return out;
    }

    private static Result runTabby(List<String> table, double[] heap, Path profile) throws Exception {
        try (PeeringLab lab = PeeringLab.create("tabby-b-", 2)) {
            BirdSender sender = BirdSender.start(lab, table);
            SpeakerProcess tabby = lab.startTabby(RECEIVER, SpeakerConfig.of("bench", RECEIVER_AS,
                    PeeringLab.ipv4(RECEIVER) + "/24", null)
                    .withPeer(SpeakerConfig.Peer.of("bird", PeeringLab.ipv4(SENDER), SENDER_AS)), List.of());
            await("Tabby's session with the sender Established", () -> tabbyEstablished(tabby) ? 1 : 0, 1);
            heap[0] = heapMb(tabby);
            JfrRecording recording = profile == null ? null : JfrRecording.start(tabby.pid(), profile);
            Result r;
            try {
                r = measure("tabby", table.size(), sender, () -> tabby.routeCount("ipv4"),
                        () -> kernelCount(tabby.netns(), "83"), () -> {
                            if (recording != null) {
                                recording.close();
                            }
                            heap[1] = heapMb(tabby);
                        });
            } finally {
                if (recording != null) {
                    recording.close();
                }
            }
            return new Result(r.receiver(), r.ribS(), r.kernelS(), r.withdrawS(), r.withdrawKernelS(),
                    vmHwmMb(tabby.pid()));
        }
    }

    private static Result runRouter(RouterKind kind, List<String> table) throws Exception {
        try (PeeringLab lab = PeeringLab.create("tabby-b-", 2)) {
            BirdSender sender = BirdSender.start(lab, table);
            RouterConfig config = RouterConfig.of(PeeringLab.ipv4(RECEIVER), RECEIVER_AS)
                    .withNeighbour(Neighbour.of(PeeringLab.ipv4(SENDER), SENDER_AS))
                    .withInstallRoutes(kind != RouterKind.GOBGP);
            Router receiver = lab.start(kind.create(), RECEIVER, config);
            Path dir = lab.workDir(RECEIVER, kind.operatorName());
            await(kind.operatorName() + "'s session with the sender Established",
                    () -> receiver.established(PeeringLab.ipv4(SENDER)) ? 1 : 0, 1);
            String ns = lab.netns(RECEIVER);
            Result r = switch (kind) {
                case BIRD -> measure("bird", table.size(), sender, () -> birdCount(dir), () -> kernelCount(ns, "bird"),
                        () -> { });
                case GOBGP -> measure("gobgp", table.size(), sender, () -> gobgpCount(dir), null, () -> { });
                case FRR -> measure("frr", table.size(), sender, () -> frrCount(dir), () -> kernelCount(ns, "bgp"),
                        () -> { });
            };
            double rss = vmHwmMb(receiver.pid());
            if (kind == RouterKind.FRR) {
                // FRR's work is split between bgpd and zebra, which programs the kernel.
                rss += vmHwmMb(Long.parseLong(Files.readString(dir.resolve("zebra.pid")).trim()));
            }
            return new Result(r.receiver(), r.ribS(), r.kernelS(), r.withdrawS(), r.withdrawKernelS(), rss);
        }
    }

    /**
     * Enables the sender's table and times the receiver's RIB (then kernel) filling up, then disables it and times
     * both emptying; {@code atFullTable} runs in between, untimed. The kernel is polled only after the RIB is full: a
     * dump of 100,000 routes is not free on a small machine, and the kernel is programmed after the RIB has the route
     * anyway.
     */
    private static Result measure(String receiver, int count, BirdSender sender, IntSupplier rib, IntSupplier kernel,
            Runnable atFullTable) {
        long t0 = System.nanoTime();
        sender.enable();
        double ribS = awaitFrom(t0, receiver + " RIB has all " + count + " prefixes", rib, count, 100);
        Double kernelS = kernel == null ? null
                : awaitFrom(t0, receiver + " kernel has all " + count + " routes", kernel, count, 250);
        System.out.printf(Locale.ROOT, "%s: announce rib_s=%.2f kernel_s=%s%n", receiver, ribS, orNa(kernelS));
        atFullTable.run();
        long t1 = System.nanoTime();
        sender.disable();
        double withdrawS = awaitFrom(t1, receiver + " RIB empty after the withdraw", rib, 0, 100);
        Double withdrawKernelS = kernel == null ? null
                : awaitFrom(t1, receiver + " kernel empty after the withdraw", kernel, 0, 250);
        System.out.printf(Locale.ROOT, "%s: withdraw rib_s=%.2f kernel_s=%s%n", receiver, withdrawS,
                orNa(withdrawKernelS));
        return new Result(receiver, ribS, kernelS, withdrawS, withdrawKernelS, 0);
    }

    private static void await(String what, IntSupplier probe, int target) {
        awaitFrom(System.nanoTime(), what, probe, target, 200);
    }

    /** Seconds from {@code start} until {@code probe} reads {@code target}. */
    private static double awaitFrom(long start, String what, IntSupplier probe, int target, long pollMillis) {
        int last = -1;
        RuntimeException error = null;
        while (System.nanoTime() - start < PHASE_TIMEOUT_NANOS) {
            try {
                last = probe.getAsInt();
                error = null;
                if (last == target) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (RuntimeException e) {
                error = e;
            }
            sleep(pollMillis);
        }
        throw new IllegalStateException(what + " did not happen within " + PHASE_TIMEOUT_NANOS / 1_000_000_000L
                + " s; last count " + last + (error == null ? "" : ", last error: " + error.getMessage()));
    }

    private static boolean tabbyEstablished(SpeakerProcess tabby) {
        for (JsonNode p : tabby.json("/v1/peers").path("ipv4")) {
            if ("Established".equals(p.path("bgpState").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Heap in use after a full GC ({@code jcmd PID GC.run}), from Tabby's /q/metrics. */
    private static double heapMb(SpeakerProcess tabby) {
        try {
            PeeringLab.run("jcmd", Long.toString(tabby.pid()), "GC.run");
        } catch (RuntimeException e) {
            System.out.println("note: could not force a GC in Tabby (" + e.getMessage() + "); heap read as it is");
        }
        double bytes = 0;
        for (String line : tabby.call("GET", "/q/metrics", null).split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    private static int birdCount(Path dir) {
        Matcher m = BIRD_COUNT.matcher(PeeringLab.run("birdc", "-s", dir.resolve("bird.ctl").toString(), "show",
                "route", "count"));
        if (!m.find()) {
            throw new IllegalStateException("birdc show route count printed no master4 count");
        }
        return Integer.parseInt(m.group(2));
    }

    private static int gobgpCount(Path dir) {
        String out = PeeringLab.run("gobgp", "--target", "unix://" + dir.resolve("gobgp.sock"), "global", "rib",
                "summary", "-a", "ipv4");
        Matcher m = GOBGP_COUNT.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("gobgp global rib summary printed no Destination count: " + out.strip());
        }
        return Integer.parseInt(m.group(1));
    }

    private static int frrCount(Path dir) {
        String out = PeeringLab.run("vtysh", "--vty_socket", dir.toString(), "-d", "bgpd", "-c",
                "show bgp ipv4 unicast summary json");
        try {
            int sum = 0;
            for (JsonNode peer : JSON.readTree(out).path("peers")) {
                sum += peer.path("pfxRcd").asInt();
            }
            return sum;
        } catch (IOException e) {
            throw new IllegalStateException("vtysh's summary is not JSON: " + e.getMessage(), e);
        }
    }

    /** The IPv4 routes of {@code proto} in the namespace's main table, one line each in {@code ip route}. */
    private static int kernelCount(String netns, String proto) {
        String out = PeeringLab.run("ip", "-n", netns, "-4", "route", "show", "proto", proto);
        int lines = 0;
        for (int i = 0; i < out.length(); i++) {
            if (out.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** Peak resident set of a process (VmHWM), in MB. */
    private static double vmHwmMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("/proc/" + pid + "/status has no VmHWM");
    }

    private static String orNa(Double seconds) {
        return seconds == null ? "n/a" : String.format(Locale.ROOT, "%.2f", seconds);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The sending BIRD: the whole table in its static protocol, which is kept disabled until the clock starts. */
    private record BirdSender(Path socket) {
        static BirdSender start(PeeringLab lab, List<String> table) {
            // The receiver is not started yet, so nothing can be announced before the protocol is disabled.
            lab.start(new BirdRouter(), SENDER, RouterConfig.of(PeeringLab.ipv4(SENDER), SENDER_AS)
                    .withNeighbour(Neighbour.of(PeeringLab.ipv4(RECEIVER), RECEIVER_AS)).withPrefixes(table));
            BirdSender s = new BirdSender(lab.workDir(SENDER, "bird").resolve("bird.ctl"));
            s.disable();
            return s;
        }

        void enable() {
            birdc("enable", "enabled");
        }

        void disable() {
            birdc("disable", "disabled");
        }

        private void birdc(String verb, String expect) {
            String out = PeeringLab.run("birdc", "-s", socket.toString(), verb, ANNOUNCE4);
            if (!out.contains(ANNOUNCE4 + ": " + expect) && !out.contains("already " + expect)) {
                throw new IllegalStateException("birdc " + verb + " " + ANNOUNCE4 + " did not say " + expect + ": "
                        + out.strip().replaceAll("\\s*\\R\\s*", " | "));
            }
        }
    }
}
