package dev.tabby.testbed.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The IP-in-IP tests that need a kernel with ipip (tag {@code vm}), run inside {@code bin/tabby vm run} on Debian's
 * stock kernel by {@link VmTestLauncher}, on the built jars and this JVM's test classpath: ipip-manager on two nodes
 * ({@code IpipInVmTest}), the probe's IP-in-IP checks ({@link IpipProbeInVmTest}), and services/netlink's test that
 * configures the real tunl0. The module is not loaded beforehand: ipip-manager must load it by asking for tunl0, and
 * netlink's test (which runs last) then configures the device that loading made.
 */
class IpipVmSuiteTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    static final List<String> SELECTORS = List.of("dev.tabby.testbed.IpipInVmTest",
            IpipProbeInVmTest.class.getName(), "dev.tabby.netlink.LinkTest#ipipConfigureFailsPreciselyWithoutIpip");

    @Test
    void theVmSuitePasses() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path cpFile = Files.createTempFile(Path.of("target").toAbsolutePath(), "vm-classpath-", ".txt");
        Files.writeString(cpFile, classpath);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                "exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dtabby.root=\"$1\" -cp \"$(cat \"$2\")\" "
                        + VmTestLauncher.class.getName() + " \"${@:3}\"", "vm-tests", ROOT.toString(), cpFile.toString()));
        cmd.addAll(SELECTORS);
        int exit;
        try {
            exit = VmRun.of(ROOT).in(Path.of(".").toAbsolutePath().normalize()).memory("4G").timeoutSeconds(1500)
                    .run(cmd, line -> {
                        lines.add(line);
                        System.out.println("[vm] " + line);
                    });
        } finally {
            Files.deleteIfExists(cpFile);
        }
        String out = String.join("\n", lines);
        Matcher m = Pattern.compile("VM-TESTS found=(\\d+) succeeded=(\\d+) failed=(\\d+) skipped=(\\d+)").matcher(out);
        assertTrue(m.find(), "the launcher reported inside the VM (exit " + exit + "); its output is above");
        assertEquals("0", m.group(3), "tests failed inside the VM; see the [vm] lines above");
        assertEquals("0", m.group(4), "no test may be skipped inside the VM (the kernel there has ipip)");
        assertTrue(Integer.parseInt(m.group(2)) >= 16, "every selected test ran: " + m.group());
        assertEquals(0, exit, "the launcher's exit code");
    }
}
