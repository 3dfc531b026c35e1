package dev.tabby.vxlan.manager;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkAttrs;
import org.junit.jupiter.api.Test;

/** Which kernel events make the manager repair at once: its own objects and what they depend on, never cali* churn. */
class KernelInterestTest {
    // No apply runs here, so the Netlink handle is never used.
    final VxlanManager manager = new VxlanManager("node-1", null, null);

    static Link link(int index, String name) {
        return new Link.Device(new LinkAttrs(index, name, 1500, null, true, 0, 0, "UP"), "veth");
    }

    @Test
    void vxlanCalicoAndInterfacesTheMtuCountsMatterWorkloadVethsDoNot() {
        assertTrue(manager.affectedBy(link(9, "vxlan.calico")));
        assertTrue(manager.affectedBy(link(2, "eth0")), "Felix's mtuIfacePattern names eth*: its MTU counts");
        assertTrue(manager.affectedBy(link(3, "ens3")));
        assertFalse(manager.affectedBy(link(40, "cali1234abcd")));
        assertFalse(manager.affectedBy(link(41, "veth0")));
        assertFalse(manager.affectedBy(Addr.of(41, Cidr.parse("192.168.5.1/24"))));
    }
}
