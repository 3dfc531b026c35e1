package dev.tabby.probe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.probe.ReportJson;
import dev.tabby.probe.testing.FixtureHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCliTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ProbeCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void anUnknownModeIsOneLineAndExitOne() {
        Run r = run("--mode", "ipip,geneve");
        assertEquals(1, r.code());
        assertEquals("tabby probe: --mode: 'geneve' is not a mode; use ipip, vxlan and/or bgp, comma-separated "
                + "(e.g. --mode vxlan,bgp)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void otherBadInputIsOneLineAndExitOne() {
        for (String[] args : List.of(new String[] {"-o", "yaml"}, new String[] {"--host-root", "/no/such/dir"},
                new String[] {"--only", "no-such-check"}, new String[] {"--frobnicate"}, new String[] {"--mode", ","})) {
            Run r = run(args);
            assertEquals(1, r.code(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("tabby probe: "), r.err());
        }
    }

    @Test
    void jsonHasTheIssuesShape() {
        FixtureHost h = FixtureHost.at(tmp.resolve("h")).kernel("5.15.0", "aarch64").rootCaps();
        Run r = run("--host-root", h.root().toString(), "--only", "arch,kernel-version,cap-sys-admin,module-ip*",
                "-o", "json", "--node", "n7", "--mode", "vxlan");
        assertEquals(0, r.code(), r.err());
        JsonNode report = ReportJson.read(r.out());
        assertEquals(List.of("node", "time", "checks", "summary"), names(report));
        assertEquals("n7", report.path("node").asText());
        assertTrue(report.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        for (JsonNode c : report.path("checks")) {
            assertEquals(List.of("id", "status", "observed", "required", "remedy"), names(c));
        }
        List<String> ids = new ArrayList<>();
        report.path("checks").forEach(c -> ids.add(c.path("id").asText()));
        assertEquals(List.of("arch", "kernel-version", "cap-sys-admin", "module-ip_set", "module-ip_tables",
                "module-ip6_tables", "module-ipt_REJECT", "module-ipt_rpfilter", "module-ipt_set", "module-ipip"), ids);
        JsonNode summary = report.path("summary");
        assertEquals(List.of("pass", "warn", "fail", "skip", "result", "modes", "viability"), names(summary));
        assertEquals(3, summary.path("pass").asInt(), r.out());
        assertEquals(7, summary.path("warn").asInt(), "modules cannot be told from this fixture");
        assertEquals("pass", summary.path("result").asText());
        assertEquals("[\"vxlan\"]", summary.path("modes").toString());
        assertEquals(List.of("ipip", "vxlan", "bgp"), names(summary.path("viability")));
    }

    @Test
    void theTableShowsNeedsAndFixUnderAProblem() {
        FixtureHost h = FixtureHost.at(tmp.resolve("t")).kernel("3.9.0", "i686").rootCaps();
        Run r = run("--host-root", h.root().toString(), "--only", "arch,kernel-version");
        assertEquals(1, r.code());
        String indent = " ".repeat("kernel-version".length() + 3 + 4 + 3);
        assertTrue(r.out().contains("arch             fail   i686 (from " + h.path("/proc/sys/kernel/arch")
                + ") is not supported\n" + indent + "needs an x86-64, arm64, ppc64le or s390x processor\n"
                + indent + "fix:  run Tabby on x86-64, arm64, ppc64le or s390x hosts\n"), r.out());
        assertTrue(r.out().contains(", modes ipip,bgp\n"), r.out());
        assertTrue(r.out().contains("0 pass, 0 warn, 2 fail, 0 skip: FAIL\n"), r.out());
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
