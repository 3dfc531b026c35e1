package dev.tabby.ipam.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpamKeysTest {

    @Test
    void keysAreCalicos() {
        assertEquals("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26", IpamKeys.block(Cidr.parse("10.0.0.0/26")));
        assertEquals("/calico/ipam/v2/assignment/ipv6/block/fd00::-122", IpamKeys.block(Cidr.parse("fd00::/122")));
        assertEquals("/calico/ipam/v2/handle/k8s-pod-network.abc", IpamKeys.handle("k8s-pod-network.abc"));
        assertEquals("/calico/ipam/v2/host/node-1/ipv4/block/10.0.0.64-26",
                IpamKeys.affinity("node-1", Cidr.parse("10.0.0.64/26")));
        assertEquals("/calico/ipam/v2/config", IpamKeys.CONFIG);
    }

    @Test
    void keysParseBack() {
        assertEquals(Optional.of(Cidr.parse("fd00:1::40/122")),
                IpamKeys.parseBlock("/calico/ipam/v2/assignment/ipv6/block/fd00:1::40-122"));
        assertEquals(Optional.of(new IpamKeys.AffinityKey("n-1", Cidr.parse("10.0.0.0/26"))),
                IpamKeys.parseAffinity("/calico/ipam/v2/host/n-1/ipv4/block/10.0.0.0-26"));
        assertEquals(Optional.of("h1"), IpamKeys.parseHandle("/calico/ipam/v2/handle/h1"));
        // Wrong version directory, host bits set, extra segments: not ours.
        assertTrue(IpamKeys.parseBlock("/calico/ipam/v2/assignment/ipv6/block/10.0.0.0-26").isEmpty());
        assertTrue(IpamKeys.parseBlock("/calico/ipam/v2/assignment/ipv4/block/10.0.0.1-26").isEmpty());
        assertTrue(IpamKeys.parseAffinity("/calico/ipam/v2/host/n1/ipv4/block/10.0.0.0-26/x").isEmpty());
    }

    @Test
    void refusesNamesThatWouldBreakTheKeyLayout() {
        assertThrows(IllegalArgumentException.class, () -> IpamKeys.handle("a/b"));
        assertThrows(IllegalArgumentException.class, () -> IpamKeys.handle(" "));
        assertThrows(IllegalArgumentException.class, () -> IpamKeys.affinityPrefix("", 4));
    }
}
