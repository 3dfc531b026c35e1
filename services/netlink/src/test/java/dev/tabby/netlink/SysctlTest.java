package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SysctlTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    @Test
    void setAndGetInsideTheNamespaceOnly() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        nl.linkAdd(new Link.Veth(LinkAttrs.named("cali1"), "eth0x", null));
        String hostForwarding = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();

        // ip_forward first: writing it sets every interface's forwarding to the same value (inet_forward_change).
        nl.sysctlSet("net/ipv4/ip_forward", hostForwarding.equals("1") ? "0" : "1");
        nl.sysctlSet("net/ipv4/conf/cali1/forwarding", "1");
        nl.sysctlSet("net/ipv6/conf/cali1/proxy_ndp", "1");

        assertEquals("1", ns.oracle().sysctl("net.ipv4.conf.cali1.forwarding"));
        assertEquals("1", nl.sysctlGet("net/ipv4/conf/cali1/forwarding"));
        assertEquals("1", ns.oracle().sysctl("net.ipv6.conf.cali1.proxy_ndp"));
        assertEquals("1", nl.sysctlGet("net/ipv6/conf/cali1/proxy_ndp"));
        assertEquals(hostForwarding.equals("1") ? "0" : "1", nl.sysctlGet("net/ipv4/ip_forward"));
        assertEquals(hostForwarding, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip(),
                "the host's value is untouched: the write happened in the namespace");
        assertTrue(Files.notExists(Path.of("/proc/sys/net/ipv4/conf/cali1")), "and this thread never entered it");

        nl.sysctlSet("net/ipv4/conf/cali1/forwarding", "0");
        assertEquals("0", ns.oracle().sysctl("net.ipv4.conf.cali1.forwarding"));
    }

    @Test
    void currentNamespaceReadsTheHost() throws Exception {
        try (Netlink nl = Netlink.open()) {
            assertEquals(Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip(), nl.sysctlGet("net/ipv4/ip_forward"));
        }
    }

    @Test
    void errorsSayWhatIsWrong() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        nl.linkAdd(new Link.Veth(LinkAttrs.named("cali1"), "eth0x", null));

        NetlinkException noIface = assertThrows(NetlinkException.class, () -> nl.sysctlSet("net/ipv4/conf/cali9/forwarding", "1"));
        assertEquals("sysctl net/ipv4/conf/cali9/forwarding: no such interface (ENOENT)", noIface.getMessage());
        assertEquals("ENOENT", noIface.errnoName());
        assertEquals("sysctlSet", noIface.operation());

        NetlinkException noKnob = assertThrows(NetlinkException.class, () -> nl.sysctlGet("net/ipv4/conf/cali1/no_such_knob"));
        assertEquals("sysctl net/ipv4/conf/cali1/no_such_knob: no such sysctl (ENOENT)", noKnob.getMessage());

        NetlinkException badValue = assertThrows(NetlinkException.class, () -> nl.sysctlSet("net/ipv4/conf/cali1/forwarding", "banana"));
        assertEquals("EINVAL", badValue.errnoName());
        assertEquals("sysctl net/ipv4/conf/cali1/forwarding: the kernel refused the value \"banana\" (EINVAL)", badValue.getMessage());

        for (String bad : new String[] {"", "/proc/sys/net/ipv4/ip_forward", "net/../../etc/passwd", "net//ipv4", "net/./ipv4"}) {
            assertThrows(IllegalArgumentException.class, () -> nl.sysctlGet(bad), bad);
        }
    }
}
