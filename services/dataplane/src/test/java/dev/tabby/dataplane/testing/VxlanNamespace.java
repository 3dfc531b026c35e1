package dev.tabby.dataplane.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;

/**
 * A test namespace laid out like a VXLAN node: Calico's {@code vxlan.calico} (IPv4 underlay, VNI 4096) and
 * {@code vxlan-v6.calico} (IPv6 underlay), both up, with a Netlink handle on it.
 */
public final class VxlanNamespace {
    public static final String VXLAN = "vxlan.calico";
    public static final String VXLAN_V6 = "vxlan-v6.calico";

    public final TestNamespace ns;
    public final Netlink netlink;
    public final int vxlanIndex;
    public final int vxlanV6Index;

    private VxlanNamespace(TestNamespace ns) {
        this.ns = ns;
        ns.ip("link", "add", VXLAN, "type", "vxlan", "id", "4096", "dstport", "4789", "nolearning");
        ns.ip("link", "set", VXLAN, "up");
        // An IPv6 FDB remote needs a device with an IPv6 underlay; the local address need not exist to program it.
        ns.ip("link", "add", VXLAN_V6, "type", "vxlan", "id", "4096", "dstport", "4789", "nolearning", "local",
                "fd00::10");
        this.netlink = ns.netlink();
        this.vxlanIndex = netlink.linkByName(VXLAN).orElseThrow().index();
        this.vxlanV6Index = netlink.linkByName(VXLAN_V6).orElseThrow().index();
    }

    /** Skips the test when not root: namespaces need CAP_SYS_ADMIN. */
    public static VxlanNamespace create(NamespaceExtension netns) {
        assumeTrue("root".equals(System.getProperty("user.name")), "kernel tests need root to make namespaces");
        return new VxlanNamespace(netns.create());
    }

    public String ip(String... args) {
        return ns.ip(args);
    }
}
