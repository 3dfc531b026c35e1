package dev.tabby.renderer.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkStatesTest {
    @Test
    void upMeansAdministrativelyAndOperationallyUp() {
        // As `ip -o link show` prints it (iproute2 6.1).
        String out = """
                1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                5: calia1b2c3d4e5f@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default\\    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns w1
                6: calif0e1d2c3b4a@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1450 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default\\    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff
                7: cali000000000aa@if2: <BROADCAST,MULTICAST> mtu 1450 qdisc noop state DOWN mode DEFAULT group default\\    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff
                """;
        assertEquals(Map.of("lo", true, "calia1b2c3d4e5f", true, "calif0e1d2c3b4a", false, "cali000000000aa", false),
                LinkStates.parse(out));
    }
}
