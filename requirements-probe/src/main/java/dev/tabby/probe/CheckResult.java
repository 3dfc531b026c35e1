package dev.tabby.probe;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One verdict: a stable id ({@code module-ip_set}, {@code port-tcp-179}, ...), its status, what was observed, what is
 * required, and what to do about it ({@code ""} when there is nothing to do).
 *
 * @param rulesOut the modes this finding makes impossible on this host whatever is configured (IP-in-IP on a kernel
 *                 without ipip, say); feeds the report summary, not the JSON check entry
 */
public record CheckResult(String id, Status status, String observed, String required, String remedy, Set<Mode> rulesOut) {

    public CheckResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        observed = observed == null ? "" : observed;
        required = required == null ? "" : required;
        remedy = remedy == null ? "" : remedy;
        rulesOut = rulesOut == null || rulesOut.isEmpty() ? Set.of() : Set.copyOf(rulesOut);
    }

    public CheckResult(String id, Status status, String observed, String required, String remedy) {
        this(id, status, observed, required, remedy, Set.of());
    }

    public static CheckResult pass(String id, String observed, String required) {
        return new CheckResult(id, Status.PASS, observed, required, "");
    }

    public static CheckResult warn(String id, String observed, String required, String remedy) {
        return new CheckResult(id, Status.WARN, observed, required, remedy);
    }

    public static CheckResult fail(String id, String observed, String required, String remedy) {
        return new CheckResult(id, Status.FAIL, observed, required, remedy);
    }

    public static CheckResult skip(String id, String reason, String required) {
        return new CheckResult(id, Status.SKIP, reason, required, "");
    }

    /** The same verdict, also marking these modes as impossible on this host. */
    public CheckResult rulingOut(Mode first, Mode... more) {
        EnumSet<Mode> modes = EnumSet.of(first, more);
        modes.addAll(rulesOut);
        return new CheckResult(id, status, observed, required, remedy, modes);
    }
}
