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
 * @param untested true when the probe could not observe what this check judges (firewall rules unreadable, no
 *                 privilege for the interface test): the verdict is then never {@code pass}, the observed text says
 *                 {@code not tested: <why>}, and the modes this check decides are reported as untested
 */
public record CheckResult(String id, Status status, String observed, String required, String remedy, Set<Mode> rulesOut,
                          boolean untested) {

    /** What an untested check's observed text says first. */
    public static final String NOT_TESTED = "not tested: ";

    public CheckResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        observed = observed == null ? "" : observed;
        required = required == null ? "" : required;
        remedy = remedy == null ? "" : remedy;
        rulesOut = rulesOut == null || rulesOut.isEmpty() ? Set.of() : Set.copyOf(rulesOut);
        if (untested && status == Status.PASS) {
            throw new IllegalArgumentException(id + ": a check that could not observe cannot pass");
        }
    }

    public CheckResult(String id, Status status, String observed, String required, String remedy) {
        this(id, status, observed, required, remedy, Set.of(), false);
    }

    /**
     * The probe could not observe what the check judges: {@code warn} (or {@code skip} where the check does not
     * apply), observed {@code not tested: <why>}, and a remedy that makes it testable.
     */
    public static CheckResult notTested(String id, Status status, String why, String required, String remedy) {
        if (status == Status.PASS) {
            throw new IllegalArgumentException(id + ": a check that could not observe cannot pass");
        }
        return new CheckResult(id, status, NOT_TESTED + why, required, remedy, Set.of(), true);
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
        return new CheckResult(id, status, observed, required, remedy, modes, untested);
    }

    /** The same verdict, marked as not observed (its status must not be pass). */
    public CheckResult markedUntested() {
        return new CheckResult(id, status, observed, required, remedy, rulesOut, true);
    }
}
