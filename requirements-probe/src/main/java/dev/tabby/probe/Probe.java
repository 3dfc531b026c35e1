package dev.tabby.probe;

import dev.tabby.probe.checks.ArchCheck;
import dev.tabby.probe.checks.CapabilityCheck;
import dev.tabby.probe.checks.DatastoreCheck;
import dev.tabby.probe.checks.DefaultRouteCheck;
import dev.tabby.probe.checks.DistroCheck;
import dev.tabby.probe.checks.InterfaceChecks;
import dev.tabby.probe.checks.IptablesBackendCheck;
import dev.tabby.probe.checks.KernelVersionCheck;
import dev.tabby.probe.checks.MtuCheck;
import dev.tabby.probe.checks.NetworkManagerCheck;
import dev.tabby.probe.checks.PortChecks;
import dev.tabby.probe.modules.ModuleChecks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs the checks in a stable order (the order of the requirements issue) and builds the report. A check that
 * throws becomes a warning per id it owns, naming the error; nothing a host can present stops the run.
 */
public final class Probe {
    private final List<Check> checks;

    public Probe() {
        this(standardChecks());
    }

    public Probe(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Every check of the requirements page, in report order. */
    public static List<Check> standardChecks() {
        return List.of(new ArchCheck(), new KernelVersionCheck(), new DistroCheck(), new InterfaceChecks(),
                new NetworkManagerCheck(), new DatastoreCheck(), new PortChecks(), new CapabilityCheck(),
                new ModuleChecks(), new IptablesBackendCheck(), new MtuCheck(), new DefaultRouteCheck());
    }

    /** All check ids, in report order. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        checks.forEach(c -> ids.addAll(c.ids()));
        return ids;
    }

    public Report run(ProbeContext ctx) {
        return run(ctx, id -> true);
    }

    /** Runs only the checks owning at least one selected id, and reports only selected ids. */
    public Report run(ProbeContext ctx, Predicate<String> selected) {
        Instant start = ctx.clock().instant();
        List<CheckResult> results = new ArrayList<>();
        for (Check check : checks) {
            if (check.ids().stream().noneMatch(selected)) {
                continue;
            }
            List<CheckResult> got;
            try {
                got = check.run(ctx);
            } catch (RuntimeException | LinkageError e) {
                got = check.ids().stream().map(id -> CheckResult.warn(id,
                        "the probe could not run this check: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")),
                        "", "report this as a Tabby bug, with the host's details")).toList();
            }
            Set<String> seen = new HashSet<>();
            for (CheckResult r : got) {
                seen.add(r.id());
                if (selected.test(r.id())) {
                    results.add(r);
                }
            }
            for (String id : check.ids()) {
                if (!seen.contains(id) && selected.test(id)) {
                    results.add(CheckResult.warn(id, "the check returned no verdict", "", "report this as a Tabby bug"));
                }
            }
        }
        return new Report(ctx.node(), start, ctx.modes(), results);
    }
}
