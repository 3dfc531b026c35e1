package dev.tabby.renderer.bench;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.renderer.manager.PolicyManager;
import dev.tabby.renderer.state.Layout;
import dev.tabby.renderer.state.PolicyState;
import dev.tabby.renderer.state.ResourceChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/tabby bench policy}: the policy renderer's calculation, manager and drivers against the iptables and IP
 * sets of a namespace the benchmark made, fed the cluster of {@link BenchCluster} (1,000 local endpoints, 10,000
 * remote ones, 200 policies) as the syncer would feed it, with no etcd in between.
 *
 * <ol>
 * <li>{@code tabby_s}: from the first {@code onUpdate} to the end of the first {@code apply()} on an empty kernel:
 * calculation, rendering and every kernel write (including the backend detection and the first reads); the best of
 * three, each with a new manager in a fresh namespace.</li>
 * <li>{@code floor_s}: Tabby's sets and chains as {@code ipset save} and {@code iptables-save} show them after that
 * apply, restored into a fresh namespace with one {@code ipset restore} and one {@code iptables-restore} per
 * table, through the same {@code ip netns exec} as Tabby's commands; the best of three.</li>
 * <li>{@code change_p50_ms}, {@code change_p99_ms}: 100 label changes on remote endpoints (each moves the endpoint
 * between rule-selector sets) and 100 on local endpoints (each changes which policies apply), alternating; each
 * timed from {@code onUpdate} until {@code apply()} returned with the kernel written.</li>
 * </ol>
 * An untimed round first runs the same full apply and a few changes in a throw-away namespace, so the timed round
 * sees a warm JVM as a long-running renderer does; the cold time is printed too. {@code --profile} samples the timed round's thread and
 * prints where the time goes; {@code --verbose} keeps the renderer's INFO log lines; {@code --backend legacy|nft}
 * sets FelixConfiguration {@code iptablesBackend} (default: detected, as Felix does); {@code --changes N} runs N
 * changes of each kind instead of 100. Last line:
 * {@code BENCH policy endpoints=1000 policies=200 tabby_s=... floor_s=... ratio=... change_p50_ms=... change_p99_ms=...}.
 */
public final class PolicyBench {
    /** Label changes of each kind (remote, local) in a run; {@code --changes N} makes a quicker run for profiling. */
    static final int CHANGES = 100;
    static final int WARMUP_CHANGES = 3;
    /** Full applies timed for Tabby, and restores for the floor; each side's best counts. */
    static final int ROUNDS = 3;

    private PolicyBench() {
    }

    public static void main(String[] args) {
        boolean profile = Arrays.asList(args).contains("--profile");
        if (!Arrays.asList(args).contains("--verbose")) {
            // One INFO line per apply and per restore would bury the results; warnings and errors still show.
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
        List<ResourceChange> cluster = new ArrayList<>();
        int b = Arrays.asList(args).indexOf("--backend");
        if (b >= 0) {
            if (b + 1 >= args.length || !List.of("legacy", "nft").contains(args[b + 1])) {
                throw new IllegalArgumentException("--backend needs legacy or nft");
            }
            cluster.add(BenchCluster.backend(args[b + 1]));
        }
        cluster.addAll(BenchCluster.base());
        int c = Arrays.asList(args).indexOf("--changes");
        int changes = c >= 0 && c + 1 < args.length ? Integer.parseInt(args[c + 1]) : CHANGES;
        cluster.addAll(BenchCluster.endpoints());
        System.out.printf(Locale.ROOT, "cluster: %d local endpoints, %d remote, %d policies, %d resources%n",
                BenchCluster.LOCAL, BenchCluster.REMOTE, BenchCluster.POLICIES, cluster.size());

        double cold;
        try (BenchNamespace warm = BenchNamespace.create()) {
            TimedRunner runner = new TimedRunner(CommandRunner.inNamespace(warm.name()));
            PolicyManager manager = new PolicyManager(new PolicyState(BenchCluster.NODE, new Layout(), true), runner);
            cold = fullApply(manager, cluster);
            // The change path too, untimed, on endpoints the timed round leaves alone.
            for (int k = 0; k < WARMUP_CHANGES; k++) {
                change(manager, warm, BenchCluster.LOCAL + BenchCluster.REMOTE - 1 - k, null);
                change(manager, warm, BenchCluster.LOCAL - 1 - k, null);
            }
        }

        // Best of ROUNDS for Tabby and for the floor alike: on this shared 2-core machine a single run of either varies
        // by a quarter.
        List<Double> tabbyRounds = new ArrayList<>();
        for (int k = 1; k < ROUNDS; k++) {
            try (BenchNamespace ns = BenchNamespace.create()) {
                tabbyRounds.add(fullApply(new PolicyManager(new PolicyState(BenchCluster.NODE, new Layout(), true),
                        CommandRunner.inNamespace(ns.name())), cluster));
            }
        }
        double tabby;
        String backend;
        TabbyKernelState state;
        List<Double> remote = new ArrayList<>();
        List<Double> local = new ArrayList<>();
        try (BenchNamespace ns = BenchNamespace.create()) {
            TimedRunner runner = new TimedRunner(CommandRunner.inNamespace(ns.name()));
            PolicyManager manager = new PolicyManager(new PolicyState(BenchCluster.NODE, new Layout(), true), runner);
            try (Sampler sampler = profile ? new Sampler(Thread.currentThread()) : null) {
                tabbyRounds.add(fullApply(manager, cluster));
                report(runner, sampler, "first apply");
            }
            tabby = tabbyRounds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            backend = manager.backend();
            state = TabbyKernelState.read(CommandRunner.inNamespace(ns.name()), backend);
            System.out.printf(Locale.ROOT, "kernel: %d sets with %d members, %d chains with %d rules (backend %s)%n",
                    state.setCount(), state.memberCount(), state.chainCount(), state.ruleCount(), backend);

            runner.reset();
            try (Sampler sampler = profile ? new Sampler(Thread.currentThread()) : null) {
                for (int k = 0; k < changes; k++) {
                    remote.add(change(manager, ns, BenchCluster.LOCAL + (k * 97) % BenchCluster.REMOTE, k < 3 ? backend : null));
                    local.add(change(manager, ns, (k * 7) % BenchCluster.LOCAL, k < 3 ? backend : null));
                }
                report(runner, sampler, changes * 2 + " changes");
            }
        }

        double floor = Double.MAX_VALUE;
        for (int k = 0; k < ROUNDS; k++) {
            try (BenchNamespace ns = BenchNamespace.create()) {
                CommandRunner runner = CommandRunner.inNamespace(ns.name());
                long t0 = System.nanoTime();
                state.restore(runner, backend);
                double took = (System.nanoTime() - t0) / 1e9;
                floor = Math.min(floor, took);
                System.out.printf(Locale.ROOT, "floor round %d: %.3f s%n", k + 1, took);
                if (k == ROUNDS - 1) {
                    if (!TabbyKernelState.read(runner, backend).sameAs(state)) {
                        throw new IllegalStateException("the floor's restore did not reproduce Tabby's sets and chains");
                    }
                    System.out.printf(Locale.ROOT, "floor of one change: iptables-restore --noflush of one endpoint's "
                            + "chains into the full table takes p50_ms=%.1f%n", changeFloor(runner, state, backend));
                }
            }
        }
        System.out.printf(Locale.ROOT, "tabby rounds: %s s%n", tabbyRounds.stream()
                .map(t -> String.format(Locale.ROOT, "%.3f", t)).toList());

        List<Double> all = new ArrayList<>(remote);
        all.addAll(local);
        System.out.printf(Locale.ROOT, "changes: remote p50_ms=%.1f p99_ms=%.1f max_ms=%.1f; local p50_ms=%.1f "
                        + "p99_ms=%.1f max_ms=%.1f%n", percentile(remote, 50), percentile(remote, 99), percentile(remote, 100),
                percentile(local, 50), percentile(local, 99), percentile(local, 100));
        System.out.printf(Locale.ROOT, "cold start (first full apply in this JVM): tabby_s=%.3f%n", cold);
        System.out.printf(Locale.ROOT, "BENCH policy endpoints=%d policies=%d tabby_s=%.3f floor_s=%.3f ratio=%.2f "
                        + "change_p50_ms=%.1f change_p99_ms=%.1f%n", BenchCluster.LOCAL, BenchCluster.POLICIES, tabby, floor,
                tabby / floor, percentile(all, 50), percentile(all, 99));
    }

    /** Feeds the whole cluster and applies once; returns the seconds from the first onUpdate to apply's return. */
    static double fullApply(PolicyManager manager, List<ResourceChange> cluster) {
        long t0 = System.nanoTime();
        cluster.forEach(manager::onUpdate);
        long fed = System.nanoTime();
        ApplyResult r = manager.apply();
        long done = System.nanoTime();
        if (!r.ok()) {
            throw new IllegalStateException("the first apply failed: " + r.summary());
        }
        PolicyManager.ApplyReport a = manager.lastApply();
        System.out.printf(Locale.ROOT, "full apply: %.3f s (onUpdate of every resource %.3f s, apply %.3f s: "
                        + "%d chains and %d sets written, %d writes)%n", (done - t0) / 1e9, (fed - t0) / 1e9,
                (done - fed) / 1e9, a.chainsWritten(), a.setsWritten(), a.writes());
        return (done - t0) / 1e9;
    }

    /**
     * Relabels endpoint {@code i} (variant 1: tier and app shifted) or back (variant 0) and applies; returns the ms
     * from onUpdate to apply's return. Fails when the change wrote nothing: then it measured nothing.
     * With {@code checkBackend} (the iptables backend) it also confirms in the kernel that the change landed, outside
     * the timed part.
     */
    static double change(PolicyManager manager, BenchNamespace ns, int i, String checkBackend) {
        boolean check = checkBackend != null;
        CommandRunner probe = CommandRunner.inNamespace(ns.name());
        boolean isLocal = i < BenchCluster.LOCAL;
        String before = check ? kernelView(probe, i, isLocal, checkBackend) : null;
        ResourceChange c = BenchCluster.endpoint(i, 1);
        long t0 = System.nanoTime();
        manager.onUpdate(c);
        ApplyResult r = manager.apply();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!r.ok() || r.writes() == 0) {
            throw new IllegalStateException("relabelling endpoint " + i + " wrote " + r.writes() + " objects"
                    + (r.ok() ? "" : ": " + r.summary()) + "; the benchmark needs changes that reach the kernel");
        }
        if (check) {
            String after = kernelView(probe, i, isLocal, checkBackend);
            if (after.equals(before)) {
                throw new IllegalStateException("relabelling endpoint " + i + " left the kernel as it was: " + after);
            }
            System.out.printf(Locale.ROOT, "%s endpoint %d relabelled in %.1f ms; kernel now: %s%n",
                    isLocal ? "local" : "remote", i, ms, summary(after));
        }
        return ms;
    }

    /** A remote endpoint: the sets holding its address. A local one: its to-workload chain's rules. */
    private static String kernelView(CommandRunner probe, int i, boolean isLocal, String backend) {
        if (isLocal) {
            String chain = "cali-tw-" + BenchCluster.interfaceName(i);
            return String.join("\n", Commands.run(probe, List.of(TabbyKernelState.tool(4, backend, "save"), "-t",
                    "filter"), "").lines().filter(l -> l.startsWith("-A " + chain + " ")).toList());
        }
        String ip = BenchCluster.address(i);
        return String.join(" ", Commands.run(probe, List.of("ipset", "save"), "").lines()
                .filter(l -> l.startsWith("add ") && l.endsWith(" " + ip)).map(l -> l.split(" ")[1]).sorted().toList());
    }

    private static String summary(String view) {
        return view.isEmpty() ? "(none)" : view.split(view.contains("\n") ? "\n" : " ").length + " entries";
    }

    private static void report(TimedRunner runner, Sampler sampler, String what) {
        System.out.printf(Locale.ROOT, "%s: kernel tools took %.3f s in all%n%s", what, runner.totalNanos() / 1e9,
                runner.summary());
        if (sampler != null) {
            System.out.print(sampler.report(25));
        }
    }

    /**
     * The kernel tool's own cost of a local change: rewriting one endpoint's two chains in the IPv4 filter table that
     * holds everything else, 11 times; the median in ms.
     */
    static double changeFloor(CommandRunner runner, TabbyKernelState state, String backend) {
        String iface = BenchCluster.interfaceName(0);
        StringBuilder input = new StringBuilder("*filter\n");
        String filter = state.tables().get(new dev.tabby.renderer.state.TableKey(4, "filter"));
        List<String> chains = List.of("cali-tw-" + iface, "cali-fw-" + iface);
        chains.forEach(c -> input.append(':').append(c).append(" - [0:0]\n"));
        filter.lines().filter(l -> chains.stream().anyMatch(c -> l.startsWith("-A " + c + " ")))
                .forEach(l -> input.append(l).append('\n'));
        input.append("COMMIT\n");
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long t0 = System.nanoTime();
            Commands.run(runner, List.of(TabbyKernelState.tool(4, backend, "restore"), "--noflush", "--wait", "10"),
                    input.toString());
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        return percentile(ms, 50);
    }

    /** Nearest-rank percentile of the samples. */
    static double percentile(List<Double> samples, int p) {
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
