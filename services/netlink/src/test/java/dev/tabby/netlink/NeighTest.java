package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NeighTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static Optional<Map<String, Object>> oracle(TestNamespace ns, String dst) {
        return ns.oracle().neighs("tv0").stream().filter(n -> dst.equals(n.get("dst"))).findFirst();
    }

    @Test
    @SuppressWarnings("unchecked")
    void setReplaceListDeleteIpv4AndIpv6() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        int tv0 = Fixtures.vethPair(nl).index();
        MacAddress mac1 = MacAddress.parse("ee:ee:ee:00:00:01");
        MacAddress mac2 = MacAddress.parse("ee:ee:ee:00:00:02");

        nl.neighSet(Neigh.permanent(tv0, IpAddress.parse("10.0.0.2"), mac1));
        nl.neighSet(Neigh.permanent(tv0, IpAddress.parse("fd00::2"), mac1));

        Map<String, Object> v4 = oracle(ns, "10.0.0.2").orElseThrow();
        assertEquals("ee:ee:ee:00:00:01", v4.get("lladdr"));
        assertEquals(List.of("PERMANENT"), v4.get("state"));
        assertEquals("ee:ee:ee:00:00:01", oracle(ns, "fd00::2").orElseThrow().get("lladdr"));

        nl.neighSet(Neigh.permanent(tv0, IpAddress.parse("10.0.0.2"), mac2));
        assertEquals("ee:ee:ee:00:00:02", oracle(ns, "10.0.0.2").orElseThrow().get("lladdr"), "set replaces");

        List<Neigh> v4s = nl.neighList(tv0, Family.INET);
        assertEquals(List.of(Neigh.permanent(tv0, IpAddress.parse("10.0.0.2"), mac2)), v4s);
        assertTrue(nl.neighList(tv0, Family.INET6).contains(Neigh.permanent(tv0, IpAddress.parse("fd00::2"), mac1)));
        assertTrue(nl.neighList(0, 0).size() >= 2);
        assertTrue(nl.neighList(tv0 + 1, Family.INET).isEmpty(), "the peer has none");

        nl.neighDel(Neigh.permanent(tv0, IpAddress.parse("10.0.0.2"), mac2));
        nl.neighDel(new Neigh(tv0, IpAddress.parse("fd00::2"), null, 0));
        assertTrue(oracle(ns, "10.0.0.2").isEmpty());
        assertTrue(oracle(ns, "fd00::2").isEmpty());
        assertTrue(nl.neighList(tv0, Family.INET).isEmpty());
    }

    @Test
    void errorsNameTheNeighbour() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        int tv0 = Fixtures.vethPair(nl).index();

        NetlinkException missing = assertThrows(NetlinkException.class,
                () -> nl.neighDel(new Neigh(tv0, IpAddress.parse("10.0.0.77"), null, Neigh.PERMANENT)));
        assertEquals("ENOENT", missing.errnoName());
        assertTrue(missing.getMessage().startsWith("neighbour 10.0.0.77 dev tv0: ENOENT (No such file or directory)"), missing.getMessage());

        NetlinkException noDev = assertThrows(NetlinkException.class,
                () -> nl.neighSet(Neigh.permanent(4242, IpAddress.parse("10.0.0.2"), MacAddress.parse("ee:ee:ee:00:00:01"))));
        assertEquals("ENODEV", noDev.errnoName());
        assertTrue(noDev.getMessage().startsWith("neighbour 10.0.0.2 lladdr ee:ee:ee:00:00:01 dev #4242: ENODEV"), noDev.getMessage());
    }
}
