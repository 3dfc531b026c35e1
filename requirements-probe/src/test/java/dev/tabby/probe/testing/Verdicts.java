package dev.tabby.probe.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Probe;
import dev.tabby.probe.Report;
import dev.tabby.probe.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/** Expected verdicts for every check id, and an assertion that names each difference with what was observed. */
public final class Verdicts {
    private Verdicts() {
    }

    /** Every id passing, except the interface checks, which a fixture root skips; then the given exceptions. */
    public static Map<String, Status> expect(Object... exceptions) {
        Map<String, Status> m = new LinkedHashMap<>();
        for (String id : new Probe().ids()) {
            m.put(id, id.startsWith("iface-") ? Status.SKIP : Status.PASS);
        }
        for (int i = 0; i < exceptions.length; i += 2) {
            String id = (String) exceptions[i];
            if (!m.containsKey(id)) {
                throw new IllegalArgumentException("no check is called " + id);
            }
            m.put(id, (Status) exceptions[i + 1]);
        }
        return m;
    }

    public static void assertVerdicts(Map<String, Status> expected, Report report) {
        Map<String, Status> actual = new LinkedHashMap<>();
        report.checks().forEach(c -> actual.put(c.id(), c.status()));
        StringBuilder diff = new StringBuilder();
        for (Map.Entry<String, Status> e : expected.entrySet()) {
            Status got = actual.get(e.getKey());
            if (got != e.getValue()) {
                CheckResult c = report.check(e.getKey()).orElse(null);
                diff.append("\n  ").append(e.getKey()).append(": expected ").append(e.getValue().label())
                        .append(", got ").append(got == null ? "nothing" : got.label())
                        .append(c == null ? "" : " -- " + c.observed());
            }
        }
        for (String id : actual.keySet()) {
            if (!expected.containsKey(id)) {
                diff.append("\n  unexpected check ").append(id);
            }
        }
        if (!diff.isEmpty()) {
            fail("verdicts differ:" + diff);
        }
    }
}
