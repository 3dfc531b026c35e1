package dev.tabby.probe;

import static dev.tabby.probe.Status.PASS;
import static dev.tabby.probe.Status.SKIP;
import static dev.tabby.probe.Status.WARN;
import static dev.tabby.probe.testing.Verdicts.assertVerdicts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.probe.checks.DistroCheck;
import dev.tabby.probe.cli.ProbeCli;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.testing.Configs;
import dev.tabby.probe.testing.FixtureHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts that present garbage: directories and FIFOs where files belong (tests run as root, so chmod 000 would not
 * stop a read), binary and malformed os-release, a truncated config.gz. Every one is a warning with its reason; the
 * probe never hangs or crashes.
 */
class BadInputTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @TempDir
    Path tmp;

    private Map<String, String> env() {
        return Map.of("TABBY_ETCD_ENDPOINTS", ETCD.config().endpointsText());
    }

    private Report probe(FixtureHost h) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new Probe().run(
                ProbeContext.builder(HostRoot.at(h.root())).env(env()).build()));
    }

    private static byte[] truncatedGzip(String content) {
        byte[] whole = FixtureHost.gzipped(content);
        return Arrays.copyOf(whole, whole.length / 2);
    }

    @Test
    void aHostOfBrokenFilesGivesWarningsWithReasons() {
        FixtureHost h = FixtureHost.at(tmp.resolve("broken"))
                .dir("/etc/os-release")
                .dir("/proc/sys/kernel/osrelease")
                .file("/proc/version", "\0\0\u0001garbage")
                .file("/proc/self/status", "Name:\tjava\nCapEff:\tzzzz\n")
                .fifo("/proc/modules")
                .bytes("/proc/config.gz", truncatedGzip(String.join("\n", Configs.all("y", "y"))))
                .dir("/proc/net/tcp")
                .file("/proc/net/udp", "not a socket table\n")
                .fifo("/etc/NetworkManager/NetworkManager.conf")
                .file("/sys/class/net/eth0/mtu", "fifteen hundred\n");

        Report r = probe(h);

        Map<String, Status> expected = new LinkedHashMap<>();
        for (String id : new Probe().ids()) {
            expected.put(id, id.startsWith("iface-") ? SKIP : WARN);
        }
        expected.put("datastore", PASS);
        assertVerdicts(expected, r);
        assertTrue(r.check("proto-ipip").orElseThrow().untested(), "/proc/modules is unreadable, so nft rules may exist");
        assertEquals("untested (not tested: iface-vxlan, port-udp-4789; no blocker found)", r.viability().get(Mode.VXLAN));

        assertEquals("cannot tell the distribution: " + h.path("/etc/os-release") + " is unreadable (is a directory, not "
                + "a file)", r.check("distro").orElseThrow().observed());
        assertTrue(r.check("kernel-version").orElseThrow().observed().startsWith("cannot tell the kernel release: "
                + h.path("/proc/sys/kernel/osrelease") + " is unreadable (is a directory, not a file); "
                + h.path("/proc/version") + " does not start with 'Linux version'"));
        assertTrue(r.check("arch").orElseThrow().observed().startsWith("cannot tell the architecture: "
                + h.path("/proc/sys/kernel/arch") + " is not present"));
        assertEquals("not tested: cannot read the effective capabilities: CapEff 'zzzz' in " + h.path("/proc/self/status")
                + " is not hexadecimal", r.check("cap-sys-admin").orElseThrow().observed());
        String ipSet = r.check("module-ip_set").orElseThrow().observed();
        assertTrue(ipSet.contains(h.path("/proc/config.gz") + " is unreadable (truncated gzip: "), ipSet);
        assertTrue(ipSet.contains(h.path("/proc/modules") + " is unreadable (not a regular file (a FIFO, socket or device))"),
                ipSet);
        assertTrue(r.check("networkmanager").orElseThrow().observed().contains("unreadable NetworkManager configuration: "
                + h.path("/etc/NetworkManager/NetworkManager.conf") + " is unreadable (not a regular file"));
        assertTrue(r.check("port-tcp-179").orElseThrow().observed().startsWith("cannot see all sockets: "
                + h.path("/proc/net/tcp") + " is unreadable (is a directory, not a file)"));
        assertTrue(r.check("mtu").orElseThrow().observed().startsWith("not tested: no host interface MTU could be read: "
                + h.path("/sys/class/net/eth0/mtu") + " is not a number"));
    }

    @Test
    void aTruncatedConfigGzLeavesEveryModuleUnknownWithTheReason() {
        String release = "5.10.0-21-amd64";
        FixtureHost h = FixtureHost.at(tmp.resolve("truncated")).osRelease("debian", "11", "Debian GNU/Linux 11")
                .kernel(release, "x86_64").rootCaps().procModules()
                .bytes("/proc/config.gz", truncatedGzip(String.join("\n", Configs.all("y", "y"))));

        Report r = probe(h);

        for (CheckResult c : r.checks()) {
            if (c.id().startsWith("module-")) {
                assertEquals(WARN, c.status(), c.id() + ": " + c.observed());
                assertTrue(c.observed().contains(h.path("/proc/config.gz") + " is unreadable (truncated gzip: "),
                        c.id() + ": " + c.observed());
                assertTrue(c.observed().contains("no " + h.path("/lib/modules/" + release)), c.observed());
                assertTrue(c.remedy().startsWith("let the probe see the kernel config"), c.remedy());
            }
        }
    }

    @Test
    void garbageOsReleaseWarnsAndSaysWhy() {
        FixtureHost binary = FixtureHost.at(tmp.resolve("binary")).bytes("/etc/os-release",
                new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, (byte) 0xff, (byte) 0xfe});
        FixtureHost text = FixtureHost.at(tmp.resolve("text")).file("/etc/os-release",
                "this is not an os-release file\n<html>oops</html>\nID centos\n");
        FixtureHost quotes = FixtureHost.at(tmp.resolve("quotes")).file("/etc/os-release",
                "ID=\"centos\nVERSION_ID=\"7\"\nNAME=CentOS Linux\n");

        CheckResult b = distro(binary);
        assertEquals(WARN, b.status());
        assertTrue(b.observed().endsWith("is not an os-release file (binary data)"), b.observed());

        CheckResult t = distro(text);
        assertEquals(WARN, t.status());
        assertTrue(t.observed().endsWith("is not an os-release file (no ID or NAME; 3 lines are not KEY=value)"),
                t.observed());

        CheckResult q = distro(quotes);
        assertEquals(WARN, q.status(), "an unterminated quote and an unquoted space leave no ID and no NAME");
    }

    private static CheckResult distro(FixtureHost h) {
        return new DistroCheck().run(ProbeContext.builder(HostRoot.at(h.root())).build()).get(0);
    }

    @Test
    void theCliPrintsJsonForABrokenHostAndExitsOnVerdictsOnly() {
        FixtureHost h = FixtureHost.at(tmp.resolve("cli")).dir("/etc/os-release").fifo("/proc/modules")
                .bytes("/proc/config.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ProbeCli.run(
                new String[] {"--host-root", h.root().toString(), "-o", "json", "--node", "broken-1"},
                new PrintWriter(out), new PrintWriter(err), env()));

        assertEquals(0, code, err.toString());
        JsonNode report = ReportJson.read(out.toString());
        assertEquals("broken-1", report.path("node").asText());
        assertEquals(new Probe().ids().size(), report.path("checks").size());
        assertTrue(report.path("checks").get(0).path("observed").asText().length() > 0);
        assertEquals(new String(new byte[0], StandardCharsets.UTF_8), err.toString());
    }
}
