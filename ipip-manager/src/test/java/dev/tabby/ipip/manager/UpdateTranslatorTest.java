package dev.tabby.ipip.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipam.routes.BorrowedAddress;
import dev.tabby.ipip.plan.IpipNode;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Raw etcd changes into what ipip-manager records. */
class UpdateTranslatorTest {
    static Update put(String key, byte[] value) {
        return new Update(Update.Kind.CREATED, key, value, 5, false);
    }

    static Update put(String key, String value) {
        return put(key, bytes(value));
    }

    static Update delete(String key) {
        return new Update(Update.Kind.DELETED, key, null, 6, false);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] stored(String yaml) {
        Resource r = ResourceCodec.read(yaml).resources().get(0);
        return ResourceCodec.toStoredValue(r);
    }

    static IpipUpdate translate(Update u) {
        return UpdateTranslator.translate(u).orElseThrow(() -> new AssertionError("no update for " + u.key()));
    }

    @Test
    void thisNodesClaimBecomesClaimChangedWithItsValueAndNullOnDelete() {
        String key = RouteClaims.of("node-1");
        assertEquals(List.of(key), UpdateTranslator.prefixes("node-1").stream().filter(p -> p.startsWith(RouteClaims.PREFIX))
                .toList(), "only this node's claim is watched");
        String waiting = RouteClaims.value("bgp-speaker", RouteClaims.WAITING);
        assertEquals(new IpipUpdate.ClaimChanged("node-1", waiting), translate(put(key, waiting)));
        // The value is passed on as it is, understood or not: the plan decides what an odd one means.
        assertEquals(new IpipUpdate.ClaimChanged("node-1", "garbage"), translate(put(key, "garbage")));
        assertEquals(new IpipUpdate.ClaimChanged("node-1", null), translate(delete(key)));
    }

    @Test
    void poolsNodesAndFelixConfigurationsAreDecodedAndNamed() {
        IpipUpdate.PoolChanged p = (IpipUpdate.PoolChanged) translate(put(UpdateTranslator.POOLS + "p1", stored("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: 10.65.0.0/16, ipipMode: CrossSubnet}
                """)));
        assertEquals("p1", p.name());
        assertEquals("CrossSubnet", p.pool().spec().ipipMode());
        assertEquals("5", p.pool().metadata().resourceVersion());

        IpipUpdate.NodeChanged n = (IpipUpdate.NodeChanged) translate(put(UpdateTranslator.NODES + "node-2", stored("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: node-2}
                spec: {bgp: {ipv4Address: 10.0.1.2/24, ipv4IPIPTunnelAddr: 10.65.2.1}}
                """)));
        assertEquals("node-2", n.name());
        assertEquals(new IpipNode("node-2", Cidr.parse("10.0.1.2/24"), IpAddress.parse("10.65.2.1")), n.node());

        IpipUpdate.FelixConfigChanged f = (IpipUpdate.FelixConfigChanged) translate(put(UpdateTranslator.FELIX
                + "node.node-1", stored("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.node-1}
                spec: {ipipEnabled: false, ipipMTU: 1400}
                """)));
        assertEquals("node.node-1", f.name());
        assertEquals(false, f.config().spec().ipipEnabled());
        assertEquals(1400, f.config().spec().ipipMTU());
    }

    @Test
    void deletesAndGarbageResourceValuesCountAsGone() {
        assertNull(((IpipUpdate.PoolChanged) translate(delete(UpdateTranslator.POOLS + "p1"))).pool());
        assertNull(((IpipUpdate.NodeChanged) translate(delete(UpdateTranslator.NODES + "n1"))).node());
        assertNull(((IpipUpdate.FelixConfigChanged) translate(delete(UpdateTranslator.FELIX + "default"))).config());

        assertEquals(new IpipUpdate.PoolChanged("p1", null), translate(put(UpdateTranslator.POOLS + "p1", "{not json")));
        assertEquals(new IpipUpdate.NodeChanged("n1", null), translate(put(UpdateTranslator.NODES + "n1", "[1,2]")));
        // Valid JSON, invalid resource: an ipipMode Calico does not know.
        assertEquals(new IpipUpdate.PoolChanged("p2", null), translate(put(UpdateTranslator.POOLS + "p2",
                "{\"kind\":\"IPPool\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"p2\"},"
                        + "\"spec\":{\"cidr\":\"10.65.0.0/16\",\"ipipMode\":\"Sometimes\"}}")));
        assertEquals(new IpipUpdate.FelixConfigChanged("default", null),
                translate(put(UpdateTranslator.FELIX + "default", "garbage")));
    }

    /**
     * Only the fields routing uses are read and checked (issue 16); a bad one makes the Node gone, as the full codec
     * did, and a bad field routing does not use no longer does (Felix's syncer does not validate Nodes).
     */
    @Test
    void aNodeIsGoneWhenAFieldRoutingUsesIsBadAndKeptWhenAnotherIs() {
        assertNull(node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/24\",\"ipv4IPIPTunnelAddr\":\"10.65.0.300\"}}"));
        assertNull(node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/33\",\"ipv4IPIPTunnelAddr\":\"10.65.0.1\"}}"));
        assertNull(node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/24\",\"ipv4IPIPTunnelAddr\":\"fd00::1\"}}"));
        IpipNode kept = node("{\"bgp\":{\"ipv4Address\":\"10.0.0.1/24\",\"ipv6Address\":\"10.0.0.1/24\","
                + "\"ipv4IPIPTunnelAddr\":\"10.65.0.1\"},\"orchRefs\":\"not a list\"}");
        assertEquals(new IpipNode("n1", Cidr.parse("10.0.0.1/24"), IpAddress.parse("10.65.0.1")), kept);
        assertEquals(new IpipNode("n1", null, null), node("{}"), "a Node with nothing routing uses yet");
    }

    private static IpipNode node(String spec) {
        String value = "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"n1\"},"
                + "\"spec\":" + spec + "}";
        return ((IpipUpdate.NodeChanged) translate(put(UpdateTranslator.NODES + "n1", value))).node();
    }

    @Test
    void blocksBecomeWhatRoutingNeedsOfThemAndGarbageIsGone() {
        Cidr cidr = Cidr.parse("10.65.1.0/26");
        String key = IpamKeys.block(cidr);
        AllocationBlock block = AllocationBlock.create(cidr, "node-2");
        block.assign(3, "wl", Map.of("node", "node-1"));
        IpipUpdate.BlockChanged b = (IpipUpdate.BlockChanged) translate(put(key, IpamJson.encode(block)));
        assertEquals(cidr, b.block());
        assertEquals("node-2", b.routable().host());
        assertEquals(List.of(new BorrowedAddress(IpAddress.parse("10.65.1.3"), "node-1")), b.routable().borrowed());

        assertEquals(new IpipUpdate.BlockChanged(cidr, null), translate(delete(key)));
        assertEquals(new IpipUpdate.BlockChanged(cidr, null), translate(put(key, "garbage")));
        assertEquals(new IpipUpdate.BlockChanged(cidr, null),
                translate(put(key, "{\"affinity\":\"host:node-2\",\"deleted\":true}")));
    }

    @Test
    void otherKeysAreIgnored() {
        assertTrue(UpdateTranslator.translate(put("/calico/ipam/v2/assignment/ipv6/block/fd00::-122", "{}")).isEmpty());
        assertTrue(UpdateTranslator.translate(put("/calico/ipam/v2/assignment/ipv4/oddity", "x")).isEmpty());
        assertTrue(UpdateTranslator.translate(put(ResourceStore.prefix(Kind.PROFILE, null) + "kns.default", "{}"))
                .isEmpty());
    }
}
