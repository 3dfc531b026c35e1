package dev.tabby.testbed.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Inside the VM (stock Debian kernel), the probe's IP-in-IP checks pass; {@link IpipProbeOnHostTest} is the other side. */
@Tag("vm")
@Order(2)
class IpipProbeInVmTest {
    private static final Path ROOT = Path.of(System.getProperty("tabby.root", "../..")).toAbsolutePath().normalize();

    @Test
    void theIpipChecksPassOnAKernelWithIpip() throws Exception {
        Map<String, String> got = IpipProbe.statuses(ROOT);
        assertEquals(IpipProbe.CHECKS.size(), got.size(), "each check reported: " + got);
        for (String id : IpipProbe.CHECKS) {
            assertTrue(got.get(id).startsWith("pass"), id + " passes inside the VM: " + got.get(id));
        }
    }
}
