package dev.tabby.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyResultTest {

    @Test
    void mergeAddsWritesAndKeepsEveryFailure() {
        ApplyResult a = new ApplyResult(3, List.of());
        ApplyResult b = ApplyResult.failed("fdb dev vxlan.calico", "66:4f:1e:2a:00:01", "ENODEV (No such device)");
        ApplyResult merged = ApplyResult.merge(a, b);
        assertEquals(3, merged.writes());
        assertFalse(merged.ok());
        assertEquals("1 failed: fdb dev vxlan.calico: 66:4f:1e:2a:00:01: ENODEV (No such device)", merged.summary());
    }

    @Test
    void summaryNamesTheFirstFewAndCountsTheRest() {
        List<ApplyResult.Failure> failures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            failures.add(new ApplyResult.Failure("routes", "r" + i, "EINVAL"));
        }
        String summary = new ApplyResult(0, failures).summary();
        assertTrue(summary.startsWith("5 failed: routes: r0: EINVAL; "), summary);
        assertTrue(summary.endsWith("; and 2 more"), summary);
    }
}
