package dev.tabby.dataplane;

import java.util.ArrayList;
import java.util.List;

/** Counts one driver's kernel writes and collects its failures during one apply. */
public final class ApplyTally {
    private final String driver;
    private final List<ApplyResult.Failure> failures = new ArrayList<>();
    private int writes;

    public ApplyTally(String driver) {
        this.driver = driver;
    }

    public void wrote() {
        writes++;
    }

    public void failed(Object object, String error) {
        failures.add(new ApplyResult.Failure(driver, String.valueOf(object), error));
    }

    public ApplyResult result() {
        return new ApplyResult(writes, failures);
    }
}
