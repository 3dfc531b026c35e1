package dev.tabby.ipam.tunnel;

import static dev.tabby.ipam.tunnel.TunnelResources.node;
import static dev.tabby.ipam.tunnel.TunnelResources.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import io.etcd.jetcd.options.DeleteOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The IP-in-IP tunnel address against a real etcd, as calico/node release-v3.18 pkg/allocateip/allocateip.go keeps
 * it: allocated under {@code ipip-tunnel-addr-<node>} with type {@code ipipTunnelAddress}, written to
 * {@code spec.bgp.ipv4IPIPTunnelAddr}, released when no pool serves, never taken from its owner; and beside the VXLAN
 * allocator on the same Node without either losing the other's fields.
 */
class TunnelAddressAllocatorTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    static final String MAC = "66:11:22:33:44:55";

    KeyValueStore kv;
    ResourceStore resources;
    Ipam ipam;

    @BeforeEach
    void setUp() throws Exception {
        kv = KeyValueStore.connect(ETCD.config());
        kv.client().getKVClient().delete(EtcdKeys.bytes("/calico/"), DeleteOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS);
        resources = new ResourceStore(kv);
        ipam = new Ipam(kv);
    }

    @AfterEach
    void tearDown() {
        kv.close();
    }

    private TunnelAddressAllocator ipip() {
        return new TunnelAddressAllocator(TunnelKind.IPIP, "n1", resources, ipam);
    }

    private TunnelAddressAllocator vxlan() {
        return new TunnelAddressAllocator(TunnelKind.VXLAN, "n1", resources, ipam, TunnelKind.fillVxlanMac(MAC));
    }

    private Node n1() {
        return (Node) resources.get(new ResourceId(Kind.NODE, null, "n1")).orElseThrow();
    }

    private static IpAddress ipipAddress(Node n) {
        return IpAddress.parse(n.spec().bgp().ipv4IPIPTunnelAddr());
    }

    @Test
    void anIpipPoolGivesTheNodeAnAddressUnderCalicosHandleAndType() {
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: Always"));
        resources.create(pool("plain", "10.80.0.0/16"));
        resources.create(node("n1", null, "bgp: {ipv4Address: 10.0.0.1/24}"));
        try (TunnelAddressAllocator a = ipip()) {
            String outcome = a.reconcile();
            Node n = n1();
            IpAddress ip = ipipAddress(n);
            assertTrue(Cidr.parse("10.70.0.0/16").contains(ip), ip + " is from the IP-in-IP pool; " + outcome);
            assertEquals("10.0.0.1/24", n.spec().bgp().ipv4Address(), "the rest of spec.bgp is kept");
            assertNull(n.spec().ipv4VXLANTunnelAddr());
            assertNull(n.spec().vxlanTunnelMACAddr(), "the IP-in-IP allocator publishes no VXLAN MAC");

            Assignment at = ipam.getAssignmentAttributes(ip).orElseThrow();
            assertEquals("ipip-tunnel-addr-n1", at.handle());
            assertEquals(Map.of("node", "n1", "type", "ipipTunnelAddress"), at.attributes());

            String version = n.metadata().resourceVersion();
            assertTrue(a.reconcile().contains("(KEEP)"));
            assertEquals(version, n1().metadata().resourceVersion(), "a second pass writes nothing");
        }
    }

    @Test
    void aNodeWithoutBgpGetsOneHoldingOnlyTheAddress() {
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: CrossSubnet"));
        resources.create(node("n1", null));
        try (TunnelAddressAllocator a = ipip()) {
            a.reconcile();
            Node.BGP bgp = n1().spec().bgp();
            assertTrue(Cidr.parse("10.70.0.0/16").contains(IpAddress.parse(bgp.ipv4IPIPTunnelAddr())));
            assertEquals(new Node.BGP(null, null, null, bgp.ipv4IPIPTunnelAddr(), null), bgp);
        }
    }

    @Test
    void switchingThePoolToNeverReleasesTheAddressAndRemovesItFromTheNode() {
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: Always"));
        resources.create(node("n1", null));
        resources.create(node("n2", null, "bgp: {ipv4Address: 10.0.0.2/24}"));
        try (TunnelAddressAllocator a = ipip();
                TunnelAddressAllocator b = new TunnelAddressAllocator(TunnelKind.IPIP, "n2", resources, ipam)) {
            a.reconcile();
            b.reconcile();
            IpAddress ip1 = ipipAddress(n1());
            Node n2 = (Node) resources.get(new ResourceId(Kind.NODE, null, "n2")).orElseThrow();
            IpAddress ip2 = ipipAddress(n2);

            resources.apply(pool("ipip", "10.70.0.0/16", "ipipMode: Never"));
            assertTrue(a.reconcile().contains("removed tunnel address " + ip1));
            b.reconcile();

            assertNull(n1().spec().bgp(), "spec.bgp held only the address, so it goes, as Calico nils it");
            assertTrue(ipam.getAssignmentAttributes(ip1).isEmpty(), ip1 + " released");
            assertTrue(ipam.addressesOf("ipip-tunnel-addr-n1").isEmpty());
            n2 = (Node) resources.get(new ResourceId(Kind.NODE, null, "n2")).orElseThrow();
            assertEquals(new Node.BGP(null, "10.0.0.2/24", null, null, null), n2.spec().bgp());
            assertTrue(ipam.getAssignmentAttributes(ip2).isEmpty(), ip2 + " released");
            assertTrue(a.reconcile().contains("holds no tunnel address"));
        }
    }

    @Test
    void anAddressHeldThatIsAWorkloadsIsLeftToItAndANewOneAssigned() {
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: Always"));
        IpAddress pod = IpAddress.parse("10.70.0.5");
        ipam.assignIp(pod, "k8s-pod-network.abc", Map.of("node", "n1", "namespace", "shop", "pod", "web"), "n1");
        resources.create(node("n1", null, "bgp: {ipv4IPIPTunnelAddr: 10.70.0.5}"));
        try (TunnelAddressAllocator a = ipip()) {
            assertTrue(a.reconcile().contains("ASSIGN_LEAVING_OLD"));
            IpAddress ip = ipipAddress(n1());
            assertNotEquals(pod, ip);
            assertEquals("ipip-tunnel-addr-n1", ipam.getAssignmentAttributes(ip).orElseThrow().handle());
            Assignment stillPods = ipam.getAssignmentAttributes(pod).orElseThrow();
            assertEquals("k8s-pod-network.abc", stillPods.handle());
            assertEquals("web", stillPods.attributes().get("pod"));
        }
    }

    /**
     * Allocates the address as calico/node wrote tunnel addresses before it used handles: neither handle nor
     * attributes. Tabby's IPAM always records the node, so the block's attribute is rewritten by hand.
     */
    private void preHandleAllocation(IpAddress old) {
        ipam.assignIp(old, null, null, "n1");
        String key = IpamKeys.block(Cidr.parse("10.70.0.0/26"));
        String block = kv.get(key).orElseThrow().valueAsString();
        String legacy = block.replace("\"secondary\":{\"node\":\"n1\"}", "\"secondary\":null");
        assertNotEquals(block, legacy, "the block's attribute was rewritten: " + block);
        kv.put(key, legacy.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), ipam.getAssignmentAttributes(old).orElseThrow().attributes());
    }

    @Test
    void aPreHandleAddressIsReleasedWhenNoPoolServes() {
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: Always"));
        IpAddress old = IpAddress.parse("10.70.0.9");
        preHandleAllocation(old);
        resources.apply(pool("ipip", "10.70.0.0/16", "ipipMode: Never"));
        resources.create(node("n1", null, "bgp: {ipv4IPIPTunnelAddr: 10.70.0.9}"));
        try (TunnelAddressAllocator a = ipip()) {
            assertTrue(a.reconcile().contains("removed tunnel address 10.70.0.9"));
            assertNull(n1().spec().bgp());
            assertTrue(ipam.getAssignmentAttributes(old).isEmpty(), "released by its exact address");
        }
    }

    @Test
    void aPreHandleAddressOfTheNodeIsAdoptedUnderTheHandle() {
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: Always"));
        IpAddress old = IpAddress.parse("10.70.0.9");
        preHandleAllocation(old);
        resources.create(node("n1", null, "bgp: {ipv4IPIPTunnelAddr: 10.70.0.9}"));
        try (TunnelAddressAllocator a = ipip()) {
            assertTrue(a.reconcile().contains("(ADOPT)"));
            assertEquals(old, ipipAddress(n1()));
            Assignment at = ipam.getAssignmentAttributes(old).orElseThrow();
            assertEquals("ipip-tunnel-addr-n1", at.handle());
            assertEquals("ipipTunnelAddress", at.attributes().get("type"));
        }
    }

    @Test
    void vxlanAndIpipOnOneNodeKeepEachOthersFields() throws Exception {
        resources.create(pool("vxlan", "10.65.0.0/16", "vxlanMode: Always"));
        resources.create(pool("ipip", "10.70.0.0/16", "ipipMode: Always"));
        resources.create(node("n1", null, "bgp: {ipv4Address: 10.0.0.1/24}"));
        try (TunnelAddressAllocator v = vxlan(); TunnelAddressAllocator i = ipip()) {
            // Both on their own threads at once: each compare-and-swap that loses re-reads and keeps the other's write.
            v.request();
            i.request();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!(v.lastOutcome().startsWith("tunnel address") && i.lastOutcome().startsWith("tunnel address"))
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertTrue(v.lastError().isEmpty() && i.lastError().isEmpty(), v.lastError() + " " + i.lastError());
            Node n = n1();
            IpAddress vx = IpAddress.parse(n.spec().ipv4VXLANTunnelAddr());
            IpAddress ip = ipipAddress(n);
            assertTrue(Cidr.parse("10.65.0.0/16").contains(vx), vx + " from the VXLAN pool");
            assertTrue(Cidr.parse("10.70.0.0/16").contains(ip), ip + " from the IP-in-IP pool");
            assertEquals(MAC, n.spec().vxlanTunnelMACAddr());
            assertEquals("10.0.0.1/24", n.spec().bgp().ipv4Address());
            assertEquals("vxlanTunnelAddress", ipam.getAssignmentAttributes(vx).orElseThrow().attributes().get("type"));
            assertEquals("ipipTunnelAddress", ipam.getAssignmentAttributes(ip).orElseThrow().attributes().get("type"));

            // Each one's address is the other's "someone else's": neither releases nor keeps the other's.
            assertTrue(v.reconcile().contains("(KEEP)"));
            assertTrue(i.reconcile().contains("(KEEP)"));

            resources.apply(pool("ipip", "10.70.0.0/16", "ipipMode: Never"));
            i.reconcile();
            v.reconcile();
            n = n1();
            assertNull(n.spec().bgp().ipv4IPIPTunnelAddr());
            assertEquals("10.0.0.1/24", n.spec().bgp().ipv4Address());
            assertEquals(vx.toString(), n.spec().ipv4VXLANTunnelAddr(), "VXLAN address untouched");
            assertEquals(MAC, n.spec().vxlanTunnelMACAddr(), "VXLAN MAC untouched");
            assertTrue(ipam.getAssignmentAttributes(vx).isPresent(), "VXLAN address still allocated");
            assertTrue(ipam.getAssignmentAttributes(ip).isEmpty(), "IP-in-IP address released");

            resources.apply(pool("vxlan", "10.65.0.0/16", "vxlanMode: Never"));
            v.reconcile();
            n = n1();
            assertNull(n.spec().ipv4VXLANTunnelAddr());
            assertEquals(MAC, n.spec().vxlanTunnelMACAddr(), "the MAC stays when the VXLAN address goes");
            assertEquals(new Node.BGP(null, "10.0.0.1/24", null, null, null), n.spec().bgp());
        }
    }
}
