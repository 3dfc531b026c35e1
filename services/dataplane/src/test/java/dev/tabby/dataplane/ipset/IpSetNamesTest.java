package dev.tabby.dataplane.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class IpSetNamesTest {

    @Test
    void mainNamesFollowFelixAndAreCutTo31Characters() {
        // Felix v3.18 ipsets/ipset_defs.go NameForMainIPSet's own example.
        assertEquals("cali60s:qMt7iLlGDhvLnCjM0l9nzxb", IpSetNames.main(6, "s:qMt7iLlGDhvLnCjM0l9nzxbabcd"));
        assertEquals("cali40s:qMt7iLlGDhvLnCjM0l9nzxb", IpSetNames.main(4, "s:qMt7iLlGDhvLnCjM0l9nzxbabcd"));
        assertEquals("cali40all-ipam-pools", IpSetNames.main(4, "all-ipam-pools"));
        assertEquals("cali4t3", IpSetNames.temp(4, 3));
        assertTrue(IpSetNames.owned("cali40masq-ipam-pools"));
        assertTrue(IpSetNames.owned("cali6t0"));
        assertFalse(IpSetNames.owned("kube-proxy-set"));
        assertThrows(IllegalArgumentException.class, () -> IpSetNames.main(5, "x"));
    }

    @Test
    void membersCompareInIpsetsOwnForm() {
        assertEquals(Set.of("10.0.0.0/24", "10.0.0.1"),
                new IpSet(IpSetType.HASH_NET, 4, Set.of("10.0.0.5/24", "10.0.0.1/32")).members());
        assertEquals(Set.of("fd00::/64", "fd00::1"),
                new IpSet(IpSetType.HASH_NET, 6, Set.of("FD00:0:0:0::5/64", "fd00:0::1")).members());
        assertEquals(Set.of("10.0.0.1,tcp:80", "10.0.0.1,udp:53"),
                new IpSet(IpSetType.HASH_IP_PORT, 4, Set.of("10.0.0.1,80", "10.0.0.1,UDP:53")).members());
        assertThrows(IllegalArgumentException.class, () -> new IpSet(IpSetType.HASH_IP, 4, Set.of("fd00::1")));
        assertThrows(IllegalArgumentException.class, () -> new IpSet(IpSetType.HASH_IP, 4, Set.of("example.com")));
        // The quick path for plain dotted quads gives what the general parse gives, and leaves it the odd cases.
        assertEquals(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.0/24"),
                new IpSet(IpSetType.HASH_NET, 4, Set.of("10.0.0.1/32", "010.0.0.2", " 10.0.0.3", "192.168.1.7/24")).members());
        assertThrows(IllegalArgumentException.class, () -> new IpSet(IpSetType.HASH_IP, 4, Set.of("10.0.0.1/32")));
        assertTrue(IpSet.isPlainIpv4("0.0.0.0") && IpSet.isPlainIpv4("255.255.255.255/32"));
        assertFalse(IpSet.isPlainIpv4("1.2.3") || IpSet.isPlainIpv4("1.2.3.4.5") || IpSet.isPlainIpv4("1..2.3")
                || IpSet.isPlainIpv4("01.2.3.4") || IpSet.isPlainIpv4("1.2.3.4/24") || IpSet.isPlainIpv4("1234.1.1.1"));
    }
}
