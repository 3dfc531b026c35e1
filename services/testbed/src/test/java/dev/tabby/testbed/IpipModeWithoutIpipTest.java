package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/tabby up --mode ipip} on a kernel without ipip (this machine's) stops at once with the remedy, before it
 * makes a namespace or starts a process, rather than bringing up a cluster that can never be ready. On a kernel with
 * ipip the mode itself is exercised in the VM.
 */
class IpipModeWithoutIpipTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void upRefusesWithTheRemedy() throws Exception {
        assumeFalse(KernelIpip.available(), "this kernel has ipip");
        Path var = Files.createTempDirectory("tabby-testbed-ipip-");
        try {
            List<String> before = namespaces();
            List<String> cmd = List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), TestbedMain.class.getName(), "up", "--mode", "ipip",
                    "--nodes", "2", "--prefix", "tabby-t-ipipno-");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("TABBY_ROOT", ROOT.toString());
            pb.environment().put("TABBY_ETCD_ENDPOINTS", "http://127.0.0.1:1");
            pb.environment().put("TABBY_TESTBED_VAR", var.resolve("testbed").toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "up returned");
            assertNotEquals(0, p.exitValue(), out);
            assertTrue(out.contains("has no ipip module") && out.contains("bin/tabby vm run -- bin/tabby up --mode ipip"),
                    "names what is missing and what to run instead:\n" + out);
            assertEquals(before, namespaces(), "no namespace made");
            assertFalse(Files.exists(var.resolve("testbed").resolve("state.json")), "no state written");
        } finally {
            TestbedMain.deleteTree(var);
        }
    }

    private static List<String> namespaces() {
        return Shell.run("ip", "netns", "list").out().lines().map(l -> l.split(" ")[0]).sorted().toList();
    }
}
