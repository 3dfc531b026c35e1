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

class FdbTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static Optional<Map<String, Object>> oracle(TestNamespace ns, String dev, String mac) {
        return ns.oracle().fdb(dev).stream().filter(e -> mac.equals(e.get("mac"))).findFirst();
    }

    private static Link vxlan(Netlink nl, String name, String local) {
        return nl.linkAdd(new Link.Vxlan(LinkAttrs.named(name), 4096, 4789, IpAddress.parse(local), 0, false, true, false, false));
    }

    @Test
    @SuppressWarnings("unchecked")
    void addReplaceListDeleteIpv4AndIpv6Remotes() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        int vx4 = vxlan(nl, "vxlan.calico", "192.168.50.1").index();
        int vx6 = vxlan(nl, "vxlan-v6.calico", "fd00::1").index();
        MacAddress mac = MacAddress.parse("66:4f:1e:2a:00:02");

        nl.fdbAdd(new Fdb(vx4, mac, IpAddress.parse("192.168.50.2")));
        nl.fdbAdd(new Fdb(vx6, mac, IpAddress.parse("fd00::2")));

        Map<String, Object> e4 = oracle(ns, "vxlan.calico", "66:4f:1e:2a:00:02").orElseThrow();
        assertEquals("192.168.50.2", e4.get("dst"));
        assertTrue(((List<String>) e4.get("flags")).contains("self"));
        assertEquals("permanent", e4.get("state"));
        assertEquals("fd00::2", oracle(ns, "vxlan-v6.calico", "66:4f:1e:2a:00:02").orElseThrow().get("dst"));

        nl.fdbAdd(new Fdb(vx4, mac, IpAddress.parse("192.168.50.3")));
        assertEquals("192.168.50.3", oracle(ns, "vxlan.calico", "66:4f:1e:2a:00:02").orElseThrow().get("dst"), "add replaces the remote");
        assertEquals(1, ns.oracle().fdb("vxlan.calico").stream().filter(e -> "66:4f:1e:2a:00:02".equals(e.get("mac"))).count());

        assertEquals(List.of(new Fdb(vx4, mac, IpAddress.parse("192.168.50.3"))), nl.fdbList(vx4));
        assertEquals(List.of(new Fdb(vx6, mac, IpAddress.parse("fd00::2"))), nl.fdbList(vx6));
        assertTrue(nl.fdbList(0).size() >= 2);

        nl.fdbDel(new Fdb(vx4, mac, IpAddress.parse("192.168.50.3")));
        nl.fdbDel(new Fdb(vx6, mac, IpAddress.parse("fd00::2")));
        assertTrue(oracle(ns, "vxlan.calico", "66:4f:1e:2a:00:02").isEmpty());
        assertTrue(nl.fdbList(vx4).isEmpty());
        assertTrue(nl.fdbList(vx6).isEmpty());
    }

    @Test
    void errorsNameTheEntry() {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        int vx4 = vxlan(nl, "vxlan.calico", "192.168.50.1").index();

        NetlinkException missing = assertThrows(NetlinkException.class,
                () -> nl.fdbDel(new Fdb(vx4, MacAddress.parse("66:4f:1e:2a:00:09"), IpAddress.parse("192.168.50.9"))));
        assertEquals("ENOENT", missing.errnoName());
        assertTrue(missing.getMessage().startsWith("fdb 66:4f:1e:2a:00:09 dst 192.168.50.9 dev vxlan.calico: ENOENT"), missing.getMessage());

        NetlinkException noDev = assertThrows(NetlinkException.class,
                () -> nl.fdbAdd(new Fdb(4242, MacAddress.parse("66:4f:1e:2a:00:09"), IpAddress.parse("192.168.50.9"))));
        assertEquals("ENODEV", noDev.errnoName());
    }
}
