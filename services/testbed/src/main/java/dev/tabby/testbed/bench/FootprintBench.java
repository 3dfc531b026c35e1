package dev.tabby.testbed.bench;

import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.testbed.BenchNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/tabby bench footprint} (issue 16): what a node's Tabby services cost in memory, threads and start time.
 * One testbed node ({@link BenchNode}: the testbed's own code starts the services, so they run with exactly the flags
 * and classpath {@code bin/tabby up} gives them) with an etcd of its own ({@link LocalEtcd}, forwarded into the
 * underlay as the testbed's etcd), in the testbed's BGP mode, so every service this host can run is there:
 * vxlan-manager, policy-renderer, requirements-probe, the CNI daemon and bgp-speaker. ipip-manager is not: the testbed
 * runs it only in IP-in-IP mode (without bgp-speaker), which needs the ipip module.
 *
 * <p>Three phases: each service started alone (the others stopped), time from spawn to ready (GET /q/health/ready
 * answers 200; the CNI daemon: its socket accepts a connection); then all started together, time until the last is
 * ready; then N workloads (default 100) attached by CNI ADD as the testbed attaches them. Per service and phase: PSS
 * and RSS (/proc/PID/smaps_rollup), heap used and committed, metaspace and code cache (jcmd), threads
 * (/proc/PID/status), measured a few seconds after ready; after the workloads also PSS by kind of mapping (smaps).
 *
 * <p>Last line: {@code BENCH footprint services=N pss_total_mb=.. pss_max_mb=.. ready_max_s=.. ready_all_s=.. ratio=..},
 * PSS all together after the workloads, ready_max_s the slowest service alone, ready_all_s all together. No floor
 * exists for this one (nothing else runs Tabby's services), so ratio is pss_total_mb over the goal of 600 MB
 * for all of a node's services: at or below 1 meets it.
 *
 * <p>Options: {@code --workloads N}, {@code --ready-timeout S}, {@code --keep} (stay up for inspection until Ctrl-C
 * or end of input). Needs root. Removes its namespaces, processes (by PID), etcd and files when done, failed or
 * interrupted.
 */
public final class FootprintBench {
    static final double GOAL_TOTAL_MB = 600;
    /** After ready, before measuring: the first requests, JIT compilations and GCs of a fresh JVM settle. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final long POLL_MS = 50;
    private static final String ALONE = "alone";
    private static final String TOGETHER = "together";

    record Sample(String service, String phase, double readyS, ProcessFootprint footprint) {
    }

    private final Path root;
    private final int workloads;
    private final Duration readyTimeout;
    private final Path work;
    private final Path jcmdCommands;
    private LocalEtcd etcd;
    private BenchNode node;
    private boolean cleaned;
    private volatile boolean interrupted;

    private FootprintBench(Path root, int workloads, Duration readyTimeout) throws IOException {
        this.root = root;
        this.workloads = workloads;
        this.readyTimeout = readyTimeout;
        this.work = Files.createTempDirectory("tabby-footprint");
        this.jcmdCommands = ProcessFootprint.writeJcmdCommands(work);
    }

    public static void main(String[] args) throws Exception {
        int workloads = 100;
        int readyTimeout = 60;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workloads" -> workloads = intArg(args, ++i, "--workloads", 0, 1000);
                case "--ready-timeout" -> readyTimeout = intArg(args, ++i, "--ready-timeout", 1, 600);
                case "--keep" -> keep = true;
                default -> fail("bench footprint: unknown option '" + args[i] + "'; use --workloads N, --ready-timeout S, --keep");
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("bench footprint makes network namespaces: run it as root");
        }
        Path root = Path.of(System.getenv().getOrDefault("TABBY_ROOT", ".")).toAbsolutePath().normalize();
        FootprintBench bench = new FootprintBench(root, workloads, Duration.ofSeconds(readyTimeout));
        Thread hook = new Thread(() -> {
            bench.interrupted = true;
            bench.cleanUp();
        }, "footprint-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = bench.run(keep);
        } catch (RuntimeException e) {
            // Interrupted: what failed then is the clean-up pulling the node away, not the services.
            System.err.println(bench.interrupted ? "tabby: interrupted; the benchmark's node, etcd and files are removed"
                    : "tabby: error: " + (e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("")));
            code = 1;
        } finally {
            bench.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs (and finds everything cleaned)
            }
        }
        System.exit(code);
    }

    private int run(boolean keep) throws IOException {
        System.out.printf(Locale.ROOT, "footprint: machine %d cores, load %s; numbers on a shared machine are noisy%n",
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        etcd = LocalEtcd.builder(work.resolve("etcd")).startTimeout(Duration.ofSeconds(60)).start();
        String prefix = "tabby-fp" + ProcessHandle.current().pid() % 100000 + "-";
        node = new BenchNode(root, work.resolve("testbed"), prefix);
        node.up(etcd.endpoint()).forEach(l -> System.out.println("footprint: " + l.strip()));
        List<String> services = node.services();
        System.out.println("footprint: services " + String.join(", ", services) + " (ipip-manager not measured: the"
                + " testbed runs it only in --mode ipip, without bgp-speaker" + (BenchNode.kernelHasIpip() ? ")"
                : "; this kernel has no ipip module)"));

        List<Sample> samples = new ArrayList<>();
        for (String s : services) {
            long t0 = System.nanoTime();
            long pid = node.start(s);
            double ready = awaitReady(List.of(s), t0).get(s);
            // CPU to ready says what the start costs with less of the machine's load in it than the time does.
            double cpu = cpuSeconds(pid);
            sleep(SETTLE.toMillis());
            samples.add(new Sample(s, ALONE, ready, ProcessFootprint.measure(pid, jcmdCommands)));
            node.stop(s);
            System.out.printf(Locale.ROOT, "footprint: %s alone: ready in %.2f s, %.2f s of CPU%n", s, ready, cpu);
        }

        long t0 = System.nanoTime();
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String s : services) {
            pids.put(s, node.start(s));
        }
        Map<String, Double> readyAll = awaitReady(services, t0);
        double readyAllS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "footprint: all %d together: the last ready in %.2f s%n", services.size(), readyAllS);
        sleep(SETTLE.toMillis());
        for (String s : services) {
            samples.add(new Sample(s, TOGETHER, readyAll.get(s), ProcessFootprint.measure(pids.get(s), jcmdCommands)));
        }

        long w0 = System.nanoTime();
        for (int k = 1; k <= workloads; k++) {
            node.addWorkload("wl-" + k);
            if (k % 10 == 0 || k == workloads) {
                System.out.printf(Locale.ROOT, "footprint: %d workloads attached (%.1f s)%n", k, (System.nanoTime() - w0) / 1e9);
            }
        }
        double workloadS = (System.nanoTime() - w0) / 1e9;
        sleep(SETTLE.toMillis());
        String loaded = TOGETHER + "+" + workloads + "wl";
        List<Sample> after = new ArrayList<>();
        for (String s : services) {
            String r = node.readiness(s);
            if (!r.equals("ready")) {
                throw new IllegalStateException(s + " is " + r + " after the workloads were attached; see " + node.log(s));
            }
            after.add(new Sample(s, loaded, readyAll.get(s), ProcessFootprint.measure(pids.get(s), jcmdCommands)));
        }
        samples.addAll(after);

        System.out.println();
        printTable(samples);
        System.out.println();
        printBreakdown(after);
        System.out.println();
        System.out.printf(Locale.ROOT, "footprint: %d workloads by CNI ADD in %.1f s (%.0f ms each, each through the node's installed launcher and its CNI daemon)%n",
                workloads, workloadS, workloads == 0 ? 0 : workloadS * 1000 / workloads);

        double pssTotal = after.stream().mapToDouble(x -> mb(x.footprint().pssKb())).sum();
        double pssMax = after.stream().mapToDouble(x -> mb(x.footprint().pssKb())).max().orElse(0);
        double readyMax = samples.stream().filter(x -> x.phase().equals(ALONE)).mapToDouble(Sample::readyS).max().orElse(0);
        if (keep) {
            System.out.println("footprint: kept up for inspection: etcd " + etcd.endpoint() + " (pid " + etcd.pid() + "), services "
                    + pids + ", node namespace " + node.nodeNamespace() + " (ip netns exec " + node.nodeNamespace()
                    + " ...); press Ctrl-C or Ctrl-D to take it all down");
        }
        System.out.printf(Locale.ROOT, "BENCH footprint services=%d pss_total_mb=%.1f pss_max_mb=%.1f ready_max_s=%.2f"
                + " ready_all_s=%.2f ratio=%.2f%n", services.size(), pssTotal, pssMax, readyMax, readyAllS, pssTotal / GOAL_TOTAL_MB);
        if (keep) {
            while (System.in.read() >= 0) {
                // the node stays up until the end of input (or Ctrl-C, through the shutdown hook)
            }
        }
        return 0;
    }

    /**
     * Polls until every one of {@code services} is ready; returns each one's seconds from {@code t0}. A service that
     * exits, or is not ready in time, fails the benchmark with its state and the end of its log.
     */
    private Map<String, Double> awaitReady(List<String> services, long t0) {
        Map<String, Double> ready = new LinkedHashMap<>();
        long deadline = t0 + readyTimeout.toNanos();
        while (ready.size() < services.size()) {
            for (String s : services) {
                if (ready.containsKey(s)) {
                    continue;
                }
                String r = node.readiness(s);
                if (r.equals("ready")) {
                    ready.put(s, (System.nanoTime() - t0) / 1e9);
                } else if (r.startsWith("not running") || System.nanoTime() > deadline) {
                    throw new IllegalStateException(s + " is " + r + " " + (System.nanoTime() - t0) / 1_000_000_000 + " s after"
                            + " its start (--ready-timeout " + readyTimeout.toSeconds() + "); its log ends: " + logTail(node.log(s)));
                }
            }
            if (ready.size() < services.size()) {
                sleep(POLL_MS);
            }
        }
        return ready;
    }

    private static void printTable(List<Sample> samples) {
        System.out.printf(Locale.ROOT, "%-19s %-16s %7s %7s %7s %9s %9s %7s %7s %7s%n", "service", "phase", "ready_s",
                "pss_mb", "rss_mb", "heap_used", "heap_comm", "meta_mb", "code_mb", "threads");
        for (Sample x : samples) {
            ProcessFootprint f = x.footprint();
            System.out.printf(Locale.ROOT, "%-19s %-16s %7.2f %7.1f %7.1f %9.1f %9.1f %7.1f %7.1f %7d%n", x.service(), x.phase(),
                    x.readyS(), mb(f.pssKb()), mb(f.rssKb()), mb(f.heapUsedKb()), mb(f.heapCommittedKb()),
                    mb(f.metaspaceCommittedKb()), mb(f.codeCacheUsedKb()), f.threads());
        }
    }

    /**
     * Where each service's PSS goes, by kind of mapping (the Java heap and code cache told by their addresses, as jcmd
     * gives them); then anon-other split into metaspace (committed, as the JVM counts it) and the rest: malloc (GC,
     * compiler and symbol tables, direct buffers) and thread stacks.
     */
    private static void printBreakdown(List<Sample> after) {
        System.out.println("PSS by kind of mapping, all together after the workloads (MB; anon-other = metaspace + malloc_etc):");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-19s", "service"));
        ProcessFootprint.KINDS.forEach(k -> head.append(String.format(Locale.ROOT, " %11s", k)));
        head.append(String.format(Locale.ROOT, " | %9s %10s  %s", "metaspace", "malloc_etc", "cds_archives"));
        System.out.println(head);
        Map<String, Double> totals = new LinkedHashMap<>();
        for (Sample x : after) {
            ProcessFootprint f = x.footprint();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-19s", x.service()));
            for (String k : ProcessFootprint.KINDS) {
                double v = mb(f.pssByKind().getOrDefault(k, 0L));
                totals.merge(k, v, Double::sum);
                row.append(String.format(Locale.ROOT, " %11.1f", v));
            }
            double meta = mb(f.metaspaceCommittedKb());
            double rest = mb(f.pssByKind().getOrDefault("anon-other", 0L)) - meta;
            row.append(String.format(Locale.ROOT, " | %9.1f %10.1f  %s", meta, rest, String.join(",", f.archives())));
            totals.merge("metaspace", meta, Double::sum);
            totals.merge("malloc_etc", rest, Double::sum);
            System.out.println(row);
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-19s", "total"));
        ProcessFootprint.KINDS.forEach(k -> row.append(String.format(Locale.ROOT, " %11.1f", totals.get(k))));
        row.append(String.format(Locale.ROOT, " | %9.1f %10.1f", totals.get("metaspace"), totals.get("malloc_etc")));
        System.out.println(row);
    }

    /** Removes everything made, once: the node (processes, namespaces), etcd, the work directory. */
    private synchronized void cleanUp() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        String left = "";
        if (node != null) {
            left = node.takeDown();
        }
        if (etcd != null) {
            etcd.close();
        }
        deleteTree(work);
        if (!left.isEmpty()) {
            System.err.println("tabby: footprint left " + left + "; remove them by hand (ip netns del NAME, kill PID)");
        }
    }

    private static String logTail(String log) {
        if (log == null) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(log));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("tabby: cannot remove " + dir + ": " + e.getMessage());
        }
    }

    static double mb(long kb) {
        return kb / 1024.0;
    }

    private static int intArg(String[] args, int i, String name, int min, int max) {
        try {
            int v = Integer.parseInt(i < args.length ? args[i] : "");
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("bench footprint: " + name + " needs a number from " + min + " to " + max);
        return 0;
    }

    private static void fail(String message) {
        System.err.println("tabby: error: " + message);
        System.exit(2);
    }

    /** User and system CPU time of process {@code pid} so far (/proc/PID/stat, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
