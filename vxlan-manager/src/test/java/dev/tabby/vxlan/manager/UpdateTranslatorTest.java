package dev.tabby.vxlan.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.routes.BorrowedAddress;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.vxlan.plan.NodeFacts;
import dev.tabby.vxlan.testing.Resources;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpdateTranslatorTest {
    static Update put(String key, byte[] value) {
        return new Update(Update.Kind.CREATED, key, value, 5, false);
    }

    static Update delete(String key) {
        return new Update(Update.Kind.DELETED, key, null, 6, false);
    }

    @Test
    void resourcesAreDecodedAndNamed() {
        var pool = Resources.pool("p1", "10.65.0.0/16", "Always");
        VxlanUpdate u = UpdateTranslator.translate(put(UpdateTranslator.POOLS + "p1", ResourceCodec.toStoredValue(pool)))
                .orElseThrow();
        VxlanUpdate.PoolChanged p = (VxlanUpdate.PoolChanged) u;
        assertEquals("p1", p.name());
        assertEquals("Always", p.pool().spec().vxlanMode());
        assertEquals("5", p.pool().metadata().resourceVersion());

        var node = Resources.node("n1", "10.0.0.1/24", "10.65.0.1", null);
        VxlanUpdate.NodeChanged n = (VxlanUpdate.NodeChanged) UpdateTranslator
                .translate(put(UpdateTranslator.NODES + "n1", ResourceCodec.toStoredValue(node))).orElseThrow();
        assertEquals("10.65.0.1", n.node().tunnelAddress().toString());
        assertEquals("10.0.0.1/24", n.node().underlay().toString());

        VxlanUpdate.FelixConfigChanged f = (VxlanUpdate.FelixConfigChanged) UpdateTranslator.translate(
                put(UpdateTranslator.FELIX + "default", ResourceCodec.toStoredValue(Resources.felix("default", "vxlanVNI: 9"))))
                .orElseThrow();
        assertEquals(9, f.config().spec().vxlanVNI());
    }

    @Test
    void deletesAndUnreadableValuesMeanGone() {
        assertNull(((VxlanUpdate.NodeChanged) UpdateTranslator.translate(delete(UpdateTranslator.NODES + "n1"))
                .orElseThrow()).node());
        VxlanUpdate.NodeChanged bad = (VxlanUpdate.NodeChanged) UpdateTranslator.translate(
                put(UpdateTranslator.NODES + "n1", "{not json".getBytes(StandardCharsets.UTF_8))).orElseThrow();
        assertNull(bad.node());
    }

    /** Only the fields routing uses are read and checked (issue 16); a bad one makes the Node gone, as before. */
    @Test
    void aNodeIsGoneWhenAFieldRoutingUsesIsBadAndKeptWhenAnotherIs() {
        assertNull(node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/24\"},\"ipv4VXLANTunnelAddr\":\"10.65.0.300\"}"));
        assertNull(node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/33\"},\"ipv4VXLANTunnelAddr\":\"10.65.0.1\"}"));
        assertNull(node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/24\"},\"vxlanTunnelMACAddr\":\"66:00\"}"));
        // Felix routes by these fields alone; a bad IPv6 address does not take the node's VXLAN routes away.
        var kept = node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/24\",\"ipv6Address\":\"10.0.0.1/24\"},"
                + "\"ipv4VXLANTunnelAddr\":\"10.65.0.1\"}");
        assertEquals(IpAddress.parse("10.65.0.1"), kept.tunnelAddress());
        assertEquals(IpAddress.parse("10.0.0.1"), kept.underlayAddress());
    }

    private static NodeFacts node(String spec) {
        String value = "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"n1\"},"
                + "\"spec\":" + spec + "}";
        return ((VxlanUpdate.NodeChanged) UpdateTranslator.translate(
                put(UpdateTranslator.NODES + "n1", value.getBytes(StandardCharsets.UTF_8))).orElseThrow()).node();
    }

    @Test
    void blocksBecomeWhatRoutingNeedsOfThem() {
        Cidr cidr = Cidr.parse("10.65.1.0/26");
        String key = "/calico/ipam/v2/assignment/ipv4/block/10.65.1.0-26";
        AllocationBlock block = AllocationBlock.create(cidr, "n2");
        block.assign(3, "wl", java.util.Map.of("node", "n1"));
        VxlanUpdate.BlockChanged b = (VxlanUpdate.BlockChanged) UpdateTranslator.translate(put(key, IpamJson.encode(block)))
                .orElseThrow();
        assertEquals(cidr, b.block());
        assertEquals("n2", b.routable().host());
        assertEquals(java.util.List.of(new BorrowedAddress(IpAddress.parse("10.65.1.3"), "n1")), b.routable().borrowed());
        assertEquals(new VxlanUpdate.BlockChanged(cidr, null), UpdateTranslator.translate(delete(key)).orElseThrow());
        assertEquals(new VxlanUpdate.BlockChanged(cidr, null),
                UpdateTranslator.translate(put(key, "garbage".getBytes(StandardCharsets.UTF_8))).orElseThrow());
        assertEquals(new VxlanUpdate.BlockChanged(cidr, null),
                UpdateTranslator.translate(put(key, bytes("{\"affinity\":\"host:n1\",\"deleted\":true}"))).orElseThrow());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void otherKeysAreIgnored() {
        assertTrue(UpdateTranslator.translate(put("/calico/ipam/v2/assignment/ipv6/block/fd00::-122", new byte[] {'{', '}'}))
                .isEmpty());
        assertTrue(UpdateTranslator.translate(put("/calico/ipam/v2/assignment/ipv4/oddity", new byte[] {'x'})).isEmpty());
    }
}
