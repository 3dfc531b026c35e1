package dev.tabby.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Everything one probe run found on one node. */
public record Report(String node, Instant time, Set<Mode> modes, List<CheckResult> checks) {

    /** The checks that decide whether a mode can work on this host at all, configured or not. */
    static final Map<Mode, List<String>> MODE_CHECKS = Map.of(
            Mode.IPIP, List.of("module-ipip", "iface-tunl", "proto-ipip"),
            Mode.VXLAN, List.of("iface-vxlan", "port-udp-4789"),
            Mode.BGP, List.of("port-tcp-179"));

    public Report {
        modes = Set.copyOf(modes);
        checks = List.copyOf(checks);
    }

    public int count(Status status) {
        return (int) checks.stream().filter(c -> c.status() == status).count();
    }

    /** True when any check failed: the probe's exit code is then 1. */
    public boolean failed() {
        return count(Status.FAIL) > 0;
    }

    public Optional<CheckResult> check(String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /**
     * For each mode, whether it can work on this host whatever is configured: {@code cannot work here (module-ipip,
     * iface-tunl)}; {@code untested (not tested: iface-vxlan; no blocker found)} when one of its deciding checks did
     * not run or could not observe (skipped, left out, or {@link CheckResult#untested()}), which is never counted as
     * working; else {@code can work here}.
     */
    public Map<Mode, String> viability() {
        Map<Mode, String> out = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            List<String> blockers = new ArrayList<>();
            List<String> untested = new ArrayList<>();
            for (CheckResult c : checks) {
                if (c.rulesOut().contains(mode)) {
                    blockers.add(c.id());
                }
            }
            for (String id : MODE_CHECKS.get(mode)) {
                Optional<CheckResult> c = check(id);
                if (c.isEmpty() || c.get().status() == Status.SKIP || c.get().untested()) {
                    untested.add(id);
                }
            }
            if (!blockers.isEmpty()) {
                out.put(mode, "cannot work here (" + String.join(", ", blockers) + ")");
            } else if (!untested.isEmpty()) {
                out.put(mode, UNTESTED + " (not tested: " + String.join(", ", untested) + "; no blocker found)");
            } else {
                out.put(mode, "can work here");
            }
        }
        return out;
    }

    /** The first word of a mode's summary when its deciding checks were not run. */
    public static final String UNTESTED = "untested";
}
