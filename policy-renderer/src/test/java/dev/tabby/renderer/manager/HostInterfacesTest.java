package dev.tabby.renderer.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostInterfacesTest {
    @Test
    void readsEachInterfacesAddressesInCanonicalForm() {
        // As `ip -o addr show` prints it (iproute2 6.1).
        String out = """
                1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
                1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever
                2: eth0    inet 10.99.1.12/24 brd 10.99.1.255 scope global eth0\\       valid_lft forever preferred_lft forever
                2: eth0    inet6 fd00:99:0:0::12/64 scope global \\       valid_lft forever preferred_lft forever
                """;
        assertEquals(Map.of("lo", Set.of("127.0.0.1", "::1"), "eth0", Set.of("10.99.1.12", "fd00:99::12")),
                HostInterfaces.parse(out));
    }
}
