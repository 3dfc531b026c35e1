package dev.tabby.testbed.vm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On this machine's own kernel, which has no ipip, the probe's module and interface checks fail or warn with their
 * remedies, while {@link IpipProbeInVmTest} sees them pass on a stock kernel. Skipped on a host that has ipip.
 */
class IpipProbeOnHostTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void theIpipChecksFailOrWarnWithoutIpip() throws Exception {
        assumeFalse(Files.exists(Path.of("/sys/module/ipip")), "this kernel has ipip loaded");
        Map<String, String> got = IpipProbe.statuses(ROOT);
        for (String id : new String[] {"module-ipip", "iface-tunl"}) {
            String s = got.get(id);
            assertTrue(s != null && (s.startsWith("fail") || s.startsWith("warn")), id + " on a kernel without ipip: " + s);
        }
    }
}
