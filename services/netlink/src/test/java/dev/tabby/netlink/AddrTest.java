package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AddrTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static Optional<Map<String, Object>> oracleAddr(TestNamespace ns, String dev, String local) {
        return ns.oracle().addrs(dev).stream().filter(a -> local.equals(a.get("local"))).findFirst();
    }

    @Test
    void addListReplaceDeleteIpv4() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Link tv0 = nl.linkAdd(new Link.Veth(LinkAttrs.named("tv0"), "tv1", null));

        nl.addrAdd(new Addr(tv0.index(), Cidr.parse("10.0.0.1/24"), Scope.UNIVERSE, 0, "tv0:web"));
        nl.addrAdd(new Addr(tv0.index(), Cidr.parse("10.0.1.1/32"), Scope.LINK, 0, null));

        Map<String, Object> a = oracleAddr(ns, "tv0", "10.0.0.1").orElseThrow();
        assertEquals(24, a.get("prefixlen"));
        assertEquals("global", a.get("scope"));
        assertEquals("tv0:web", a.get("label"));
        assertEquals("link", oracleAddr(ns, "tv0", "10.0.1.1").orElseThrow().get("scope"));

        List<Addr> listed = nl.addrList(tv0.index(), Family.INET);
        assertEquals(2, listed.size(), listed.toString());
        Addr first = listed.stream().filter(x -> x.address().equals(Cidr.parse("10.0.0.1/24"))).findFirst().orElseThrow();
        assertEquals(tv0.index(), first.linkIndex());
        assertEquals(Scope.UNIVERSE, first.scope());
        assertEquals("tv0:web", first.label());
        assertTrue((first.flags() & 0x80) != 0, "IFA_F_PERMANENT: added by hand");
        assertTrue(nl.addrList(0, Family.INET).stream().anyMatch(x -> x.address().equals(Cidr.parse("127.0.0.1/8"))));
        assertTrue(nl.addrList(tv0.index(), Family.INET6).stream().noneMatch(x -> x.address().isV4()));

        // replacing an existing IPv4 address is not EEXIST (the kernel refreshes its lifetimes, not its scope)
        nl.addrReplace(new Addr(tv0.index(), Cidr.parse("10.0.1.1/32"), Scope.LINK, 0, null));
        assertEquals("link", oracleAddr(ns, "tv0", "10.0.1.1").orElseThrow().get("scope"));
        nl.addrReplace(Addr.of(tv0.index(), Cidr.parse("10.0.2.1/24")));
        assertTrue(oracleAddr(ns, "tv0", "10.0.2.1").isPresent(), "replace creates");

        nl.addrDel(Addr.of(tv0.index(), Cidr.parse("10.0.0.1/24")));
        assertTrue(oracleAddr(ns, "tv0", "10.0.0.1").isEmpty());
        assertEquals(2, nl.addrList(tv0.index(), Family.INET).size());
    }

    @Test
    void addListDeleteIpv6WithFlags() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Link tv0 = nl.linkAdd(new Link.Veth(LinkAttrs.named("tv0"), "tv1", null));
        int nodadNoPrefixRoute = Fixtures.NODAD | 0x200;

        nl.addrAdd(new Addr(tv0.index(), Cidr.parse("fd00:0:0:1::5/64"), Scope.UNIVERSE, nodadNoPrefixRoute, null));

        Map<String, Object> a = oracleAddr(ns, "tv0", "fd00:0:0:1::5").orElseThrow();
        assertEquals(64, a.get("prefixlen"));
        assertEquals(true, a.get("noprefixroute"));
        assertFalse(a.containsKey("tentative"), "no DAD");
        Addr listed = nl.addrList(tv0.index(), Family.INET6).stream()
                .filter(x -> x.address().equals(Cidr.parse("fd00:0:0:1::5/64"))).findFirst().orElseThrow();
        assertEquals(0x200, listed.flags() & 0x200, "flags above the low byte come back through IFA_FLAGS");
        assertEquals(Fixtures.NODAD, listed.flags() & Fixtures.NODAD);
        assertTrue(nl.addrList(tv0.index(), Family.INET).isEmpty());

        nl.addrReplace(new Addr(tv0.index(), Cidr.parse("fd00:0:0:1::5/64"), Scope.UNIVERSE, Fixtures.NODAD, null));
        assertFalse(oracleAddr(ns, "tv0", "fd00:0:0:1::5").orElseThrow().containsKey("noprefixroute"), "replace rewrites flags");

        nl.addrDel(Addr.of(tv0.index(), Cidr.parse("fd00:0:0:1::5/64")));
        assertTrue(oracleAddr(ns, "tv0", "fd00:0:0:1::5").isEmpty());
    }

    @Test
    void errorsNameTheAddress() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Link tv0 = nl.linkAdd(new Link.Veth(LinkAttrs.named("tv0"), "tv1", null));
        nl.addrAdd(Addr.of(tv0.index(), Cidr.parse("10.0.0.1/24")));

        NetlinkException dup = assertThrows(NetlinkException.class, () -> nl.addrAdd(Addr.of(tv0.index(), Cidr.parse("10.0.0.1/24"))));
        assertEquals("EEXIST", dup.errnoName());
        assertTrue(dup.getMessage().startsWith("address 10.0.0.1/24 dev tv0: EEXIST (File exists)"), dup.getMessage());

        nl.addrAdd(new Addr(tv0.index(), Cidr.parse("fd00::1/64"), Scope.UNIVERSE, Fixtures.NODAD, null));
        NetlinkException dup6 = assertThrows(NetlinkException.class,
                () -> nl.addrAdd(new Addr(tv0.index(), Cidr.parse("fd00::1/64"), Scope.UNIVERSE, Fixtures.NODAD, null)));
        assertEquals("EEXIST", dup6.errnoName());

        NetlinkException missing = assertThrows(NetlinkException.class, () -> nl.addrDel(Addr.of(tv0.index(), Cidr.parse("10.9.9.9/24"))));
        assertEquals("EADDRNOTAVAIL", missing.errnoName());
        assertTrue(missing.getMessage().startsWith("address 10.9.9.9/24 dev tv0: EADDRNOTAVAIL"), missing.getMessage());
        NetlinkException missing6 = assertThrows(NetlinkException.class, () -> nl.addrDel(Addr.of(tv0.index(), Cidr.parse("fd00::9/64"))));
        assertNotEquals(0, missing6.errno());
        assertTrue(missing6.getMessage().startsWith("address fd00::9/64 dev tv0: "), missing6.getMessage());

        NetlinkException noDev = assertThrows(NetlinkException.class, () -> nl.addrAdd(Addr.of(4242, Cidr.parse("10.0.0.2/24"))));
        assertEquals("ENODEV", noDev.errnoName());
        assertTrue(noDev.getMessage().startsWith("address 10.0.0.2/24 dev #4242: ENODEV (No such device)"), noDev.getMessage());
    }
}
