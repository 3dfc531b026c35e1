package dev.tabby.vxlan.plan;

import static dev.tabby.vxlan.testing.Resources.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.netlink.MacAddress;
import org.junit.jupiter.api.Test;

class VtepMacTest {
    @Test
    void derivedMacIsSixtySixThenTheFirstFiveBytesOfTheNameSha1() {
        // `echo -n node-1 | sha1sum` = b36828398e513ae808e0c63582fb5dba635d7d15
        assertEquals(MacAddress.parse("66:b3:68:28:39:8e"), VtepMac.derived("node-1"));
        // `echo -n k8s-worker-2 | sha1sum` = 697973bd32edb7302efecf60548ad1777eda924e
        assertEquals(MacAddress.parse("66:69:79:73:bd:32"), VtepMac.derived("k8s-worker-2"));
    }

    @Test
    void theNodesOwnMacWins() {
        assertEquals(MacAddress.parse("02:11:22:33:44:55"), VtepMac.of(node("node-1", null, null, "02:11:22:33:44:55")));
        assertEquals(VtepMac.derived("node-1"), VtepMac.of(node("node-1", "10.0.0.1/24", null, null)));
    }

    @Test
    void anUnreadableMacIsAnError() {
        dev.tabby.model.v3.Node n = new dev.tabby.model.v3.Node(dev.tabby.model.v3.ObjectMeta.named("x"),
                new dev.tabby.model.v3.Node.Spec(null, null, "not-a-mac", null, null, null), null);
        assertThrows(IllegalArgumentException.class, () -> VtepMac.of(n));
    }
}
