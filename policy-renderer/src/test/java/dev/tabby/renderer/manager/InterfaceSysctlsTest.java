package dev.tabby.renderer.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keys of felix dataplane/linux/endpoint_mgr.go configureInterface, and reading which interfaces failed. */
class InterfaceSysctlsTest {
    @Test
    void ipv4InterfaceGetsFelixsFourSettingsAndNoRouterAdvertisements() {
        assertEquals(List.of("net/ipv6/conf/cali12ab/accept_ra=0", "net/ipv4/conf/cali12ab/route_localnet=1",
                "net/ipv4/neigh/cali12ab/proxy_delay=0", "net/ipv4/conf/cali12ab/proxy_arp=1",
                "net/ipv4/conf/cali12ab/forwarding=1"), InterfaceSysctls.settings("cali12ab", List.of(4)));
    }

    @Test
    void ipv6AddsProxyNdpAndForwarding() {
        assertEquals(List.of("net/ipv6/conf/cali12ab/accept_ra=0", "net/ipv4/conf/cali12ab/route_localnet=1",
                "net/ipv4/neigh/cali12ab/proxy_delay=0", "net/ipv4/conf/cali12ab/proxy_arp=1",
                "net/ipv4/conf/cali12ab/forwarding=1", "net/ipv6/conf/cali12ab/proxy_ndp=1",
                "net/ipv6/conf/cali12ab/forwarding=1"), InterfaceSysctls.settings("cali12ab", List.of(4, 6)));
    }

    @Test
    void aDottedInterfaceNameStaysOnePathElement() {
        assertEquals("net/ipv4/conf/eth0.100/forwarding=1", InterfaceSysctls.settings("eth0.100", List.of(4)).get(4));
    }

    @Test
    void failedInterfacesAreReadFromSysctlsMessagesLeavingOutAcceptRa() {
        // procps sysctl's words when an interface has no IPv6 (MTU below 1280) and another is gone.
        String stderr = """
                sysctl: cannot stat /proc/sys/net/ipv6/conf/calim0/accept_ra: No such file or directory
                sysctl: cannot stat /proc/sys/net/ipv6/conf/calim0/proxy_ndp: No such file or directory
                sysctl: cannot stat /proc/sys/net/ipv6/conf/calix1/accept_ra: No such file or directory
                sysctl: cannot stat /proc/sys/net/ipv4/neigh/eth0.100/proxy_delay: No such file or directory
                """;
        assertEquals(Set.of("calim0", "eth0.100"), InterfaceSysctls.failedInterfaces(stderr));
    }
}
