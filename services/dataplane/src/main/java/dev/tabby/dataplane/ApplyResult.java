package dev.tabby.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one {@code apply()} did: how many kernel writes succeeded and which objects failed. One bad object never
 * stops the others, so a result can hold writes and failures at once.
 */
public record ApplyResult(int writes, List<Failure> failures) {
    /** How many failures {@link #summary()} spells out before it only counts. */
    private static final int SUMMARY_LIMIT = 3;

    public static final ApplyResult NOTHING = new ApplyResult(0, List.of());

    public ApplyResult {
        failures = List.copyOf(failures);
    }

    /**
     * One object the kernel refused or that could not be written.
     *
     * @param driver which driver, e.g. {@code routes table 254 proto 81}
     * @param object the object in iproute2's words, e.g. {@code 10.65.0.0/26 via 10.0.0.2 dev #3}
     * @param error  why, usually the NetlinkException message with errno name and operation
     */
    public record Failure(String driver, String object, String error) {
        @Override
        public String toString() {
            return driver + ": " + object + ": " + error;
        }
    }

    public static ApplyResult failed(String driver, String object, String error) {
        return new ApplyResult(0, List.of(new Failure(driver, object, error)));
    }

    public boolean ok() {
        return failures.isEmpty();
    }

    public static ApplyResult merge(ApplyResult... results) {
        return merge(List.of(results));
    }

    public static ApplyResult merge(List<ApplyResult> results) {
        int writes = 0;
        List<Failure> failures = new ArrayList<>();
        for (ApplyResult r : results) {
            writes += r.writes;
            failures.addAll(r.failures);
        }
        return new ApplyResult(writes, failures);
    }

    /** One line for readiness and logs: the first few failures, then a count of the rest. */
    public String summary() {
        if (ok()) {
            return writes + " kernel writes, no failures";
        }
        String shown = failures.stream().limit(SUMMARY_LIMIT).map(Failure::toString).collect(Collectors.joining("; "));
        int more = failures.size() - SUMMARY_LIMIT;
        return failures.size() + " failed: " + shown + (more > 0 ? "; and " + more + " more" : "");
    }
}
