package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.IpOracle;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LinkTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static LinkAttrs attrs(String name) {
        return LinkAttrs.named(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sub(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @Test
    void vethPairWithPeerInSecondNamespace() {
        TestNamespace ns1 = netns.create();
        TestNamespace ns2 = netns.create();
        Netlink nl = ns1.netlink();
        MacAddress mac = MacAddress.parse("ee:ee:ee:ee:ee:01");

        Link made = nl.linkAdd(new Link.Veth(attrs("cali1234").withMtu(1410).withMac(mac), "eth0", ns2.path()));

        Link.Veth veth = assertInstanceOf(Link.Veth.class, made);
        assertTrue(veth.index() > 0);
        assertEquals("cali1234", veth.name());
        assertEquals(1410, veth.attrs().mtu());
        assertEquals(mac, veth.attrs().mac());
        assertEquals("eth0", veth.peerName());
        Map<String, Object> host = ns1.oracle().link("cali1234").orElseThrow();
        assertEquals(veth.index(), host.get("ifindex"));
        assertEquals(1410, host.get("mtu"));
        assertEquals("ee:ee:ee:ee:ee:01", host.get("address"));
        assertEquals("veth", sub(host, "linkinfo").get("info_kind"));
        Map<String, Object> peer = ns2.oracle().link("eth0").orElseThrow();
        assertEquals(1410, peer.get("mtu"), "the peer gets the same MTU");
        assertEquals(veth.attrs().parentIndex(), peer.get("ifindex"), "IFLA_LINK is the peer's index");

        assertEquals(veth.index(), nl.linkByName("cali1234").orElseThrow().index());
        assertEquals("cali1234", nl.linkByIndex(veth.index()).orElseThrow().name());
        assertTrue(nl.linkList().stream().anyMatch(l -> l.name().equals("lo") && l instanceof Link.Device d && d.kind() == null));
        assertTrue(nl.linkByName("eth0").isEmpty(), "the peer is not in this namespace");
        assertTrue(nl.linkByIndex(99999).isEmpty());
    }

    @Test
    void vxlanWithAllFlags() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Link underlay = nl.linkAdd(new Link.Veth(attrs("under0"), "under1", null));
        nl.addrAdd(Addr.of(underlay.index(), dev.tabby.model.net.Cidr.parse("192.168.50.1/24")));
        MacAddress mac = MacAddress.parse("66:4f:1e:2a:00:01");

        Link made = nl.linkAdd(new Link.Vxlan(attrs("vxlan.calico").withMtu(1410).withMac(mac), 4096, 4789,
                IpAddress.parse("192.168.50.1"), underlay.index(), false, true, true, true));

        Link.Vxlan v = assertInstanceOf(Link.Vxlan.class, made);
        assertEquals(4096, v.vni());
        assertEquals(4789, v.port());
        assertEquals(IpAddress.parse("192.168.50.1"), v.local());
        assertEquals(underlay.index(), v.parentIndex());
        assertFalse(v.learning());
        assertTrue(v.udpChecksum());
        assertTrue(v.udp6ZeroChecksumTx());
        assertTrue(v.udp6ZeroChecksumRx());
        assertEquals(mac, v.attrs().mac());
        Map<String, Object> data = sub(sub(ns.oracle().link("vxlan.calico").orElseThrow(), "linkinfo"), "info_data");
        assertEquals(4096, data.get("id"));
        assertEquals(4789, data.get("port"));
        assertEquals("192.168.50.1", data.get("local"));
        assertEquals("under0", data.get("link"));
        assertEquals(false, data.get("learning"));
        assertEquals(true, data.get("udp_csum"));
        assertEquals(true, data.get("udp_zero_csum6_tx"));
        assertEquals(true, data.get("udp_zero_csum6_rx"));

        Link.Vxlan v6 = assertInstanceOf(Link.Vxlan.class, nl.linkAdd(new Link.Vxlan(attrs("vxlan-v6.calico"), 4096, 4789,
                IpAddress.parse("fd00::1"), 0, true, false, false, false)));
        assertEquals(IpAddress.parse("fd00::1"), v6.local());
        assertTrue(v6.learning());
        assertFalse(v6.udpChecksum());
        Map<String, Object> data6 = sub(sub(ns.oracle().link("vxlan-v6.calico").orElseThrow(), "linkinfo"), "info_data");
        assertEquals("fd00::1", data6.get("local6"));
        assertEquals(true, data6.get("learning"));
        assertEquals(false, data6.get("udp_zero_csum6_tx"));
    }

    @Test
    void bridgeAndMaster() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Link br = nl.linkAdd(new Link.Bridge(LinkAttrs.named("br-t0").withUp(true)));
        assertInstanceOf(Link.Bridge.class, br);
        assertTrue(br.attrs().up(), "created up");
        nl.linkAdd(new Link.Veth(attrs("port0"), "port1", null));

        nl.linkSetMaster("port0", "br-t0");
        assertEquals(br.index(), nl.linkByName("port0").orElseThrow().attrs().masterIndex());
        assertEquals("br-t0", ns.oracle().link("port0").orElseThrow().get("master"));
        assertEquals("bridge", sub(ns.oracle().link("br-t0").orElseThrow(), "linkinfo").get("info_kind"));

        nl.linkSetMaster("port0", null);
        assertEquals(0, nl.linkByName("port0").orElseThrow().attrs().masterIndex());
        assertNull(ns.oracle().link("port0").orElseThrow().get("master"));

        NetlinkException e = assertThrows(NetlinkException.class, () -> nl.linkSetMaster("port0", "no-such-br"));
        assertEquals("ENODEV", e.errnoName());
        assertTrue(e.getMessage().startsWith("link port0 master no-such-br: ENODEV (No such device)"), e.getMessage());
    }

    @Test
    void setUpDownMtuMac() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        nl.linkAdd(new Link.Veth(attrs("tv0"), "tv1", null));
        IpOracle o = ns.oracle();

        nl.linkSetUp("tv0");
        assertTrue(flags(o, "tv0").contains("UP"));
        assertTrue(nl.linkByName("tv0").orElseThrow().attrs().up());
        nl.linkSetUp("tv1");
        assertEquals("UP", nl.linkByName("tv0").orElseThrow().attrs().operState());

        nl.linkSetDown("tv0");
        assertFalse(flags(o, "tv0").contains("UP"));
        assertFalse(nl.linkByName("tv0").orElseThrow().attrs().up());

        nl.linkSetMtu("tv0", 1280);
        assertEquals(1280, o.link("tv0").orElseThrow().get("mtu"));
        nl.linkSetMac("tv0", MacAddress.parse("02:00:00:00:00:2a"));
        assertEquals("02:00:00:00:00:2a", o.link("tv0").orElseThrow().get("address"));
        assertEquals(MacAddress.parse("02:00:00:00:00:2a"), nl.linkByName("tv0").orElseThrow().attrs().mac());

        NetlinkException e = assertThrows(NetlinkException.class, () -> nl.linkSetMtu("tv0", 10));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().startsWith("link tv0 mtu 10: EINVAL (Invalid argument)"), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static List<String> flags(IpOracle o, String name) {
        return (List<String>) o.link(name).orElseThrow().get("flags");
    }

    @Test
    void moveToNamespaceAndDelete() {
        TestNamespace ns1 = netns.create();
        TestNamespace ns2 = netns.create();
        Netlink nl = ns1.netlink();
        nl.linkAdd(new Link.Veth(attrs("mv0"), "mv1", null));

        nl.linkSetNamespace("mv1", ns2.path());
        assertTrue(nl.linkByName("mv1").isEmpty());
        assertTrue(ns2.oracle().link("mv1").isPresent());
        assertTrue(ns2.netlink().linkByName("mv1").isPresent());

        nl.linkDel("mv0");
        assertTrue(nl.linkByName("mv0").isEmpty());
        assertTrue(ns1.oracle().link("mv0").isEmpty());
        assertTrue(ns2.oracle().link("mv1").isEmpty(), "deleting one end of a veth deletes both");
    }

    @Test
    void errorsNameTheLink() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        nl.linkAdd(new Link.Veth(attrs("dup0"), "dup1", null));

        NetlinkException exists = assertThrows(NetlinkException.class, () -> nl.linkAdd(new Link.Veth(attrs("dup0"), "dup2", null)));
        assertEquals("EEXIST", exists.errnoName());
        assertEquals(17, exists.errno());
        assertEquals("linkAdd", exists.operation());
        assertTrue(exists.getMessage().startsWith("link dup0: EEXIST (File exists)"), exists.getMessage());

        NetlinkException gone = assertThrows(NetlinkException.class, () -> nl.linkDel("nosuch0"));
        assertEquals("ENODEV", gone.errnoName());
        assertTrue(gone.getMessage().startsWith("link nosuch0: ENODEV (No such device)"), gone.getMessage());

        NetlinkException up = assertThrows(NetlinkException.class, () -> nl.linkSetUp("nosuch0"));
        assertEquals("ENODEV", up.errnoName());
        assertEquals("linkSetUp", up.operation());

        NetlinkException move = assertThrows(NetlinkException.class,
                () -> nl.linkSetNamespace("dup0", java.nio.file.Path.of("/run/netns/tabby-t-does-not-exist")));
        assertEquals("ENOENT", move.errnoName());

        assertThrows(IllegalArgumentException.class, () -> nl.linkAdd(new Link.Bridge(attrs("a-name-too-long-0"))));
    }

    /**
     * Runs only in a namespace of its own, and never loads the ipip module: loading it (which asking for an ipip link
     * does) creates the fallback tunl0 in every namespace, the host's included, whichever namespace asked
     * (net.core.fb_tunnels_only_for_init_net). So where ipip is loadable but not loaded, the test is skipped.
     */
    @Test
    void ipipConfigureFailsPreciselyWithoutIpip() throws IOException {
        boolean loaded = Files.exists(Path.of("/sys/module/ipip"));
        assumeTrue(loaded || !ipipLoadable(), "the ipip module is loadable but not loaded; loading it would create tunl0 "
                + "in the host namespace too");
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Link.Ipip want = new Link.Ipip(LinkAttrs.named("tunl0").withMtu(1440).withUp(true), null, null, 0, false);
        if (nl.linkByName("tunl0").isEmpty() && !loaded) {
            NetlinkException e = assertThrows(NetlinkException.class, () -> nl.ipipConfigure(want));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertEquals("ipipConfigure", e.operation());
            assertEquals("link tunl0", e.object());
            assertTrue(e.getMessage().startsWith("link tunl0: EOPNOTSUPP (Operation not supported); the kernel has no IP-in-IP support"),
                    e.getMessage());
            assertTrue(nl.linkByName("tunl0").isEmpty(), "nothing was created");
        } else {
            Link.Ipip got = nl.ipipConfigure(want);
            assertEquals(1440, got.attrs().mtu());
            assertTrue(got.attrs().up());
            assertEquals(1440, ns.oracle().link("tunl0").orElseThrow().get("mtu"));
        }
    }

    /** Whether modprobe could load ipip: the running kernel's modules.dep lists it (ipip.ko, compressed or not). */
    private static boolean ipipLoadable() throws IOException {
        String release = Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0).strip();
        Path dep = Path.of("/lib/modules", release, "modules.dep");
        if (!Files.exists(dep)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(dep)) {
            return lines.anyMatch(l -> l.matches("^\\S*/ipip\\.ko(\\.\\w+)?:.*"));
        }
    }
}
