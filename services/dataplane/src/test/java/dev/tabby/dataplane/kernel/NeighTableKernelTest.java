package dev.tabby.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.neigh.NeighKernel;
import dev.tabby.dataplane.neigh.NeighTable;
import dev.tabby.dataplane.testing.VxlanNamespace;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.testing.NamespaceExtension;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** NeighTable against a real kernel: permanent ARP and NDP entries on vxlan.calico. */
class NeighTableKernelTest {
    private static final String DEV = VxlanNamespace.VXLAN;

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private VxlanNamespace node;

    @BeforeEach
    void node() {
        node = VxlanNamespace.create(netns);
    }

    private NeighTable table() {
        return new NeighTable(NeighKernel.of(node.netlink), DEV);
    }

    private static void assertOk(ApplyResult r) {
        assertTrue(r.ok(), r.summary());
    }

    /** "IP MAC STATE" for every entry on the device, sorted. */
    private List<String> entries() {
        return node.ns.oracle().neighs(DEV).stream()
                .map(n -> n.get("dst") + " " + n.get("lladdr") + " " + n.get("state"))
                .sorted()
                .collect(Collectors.toList());
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static MacAddress mac(String s) {
        return MacAddress.parse(s);
    }

    @Test
    void entriesDeletedOrChangedByHandAreRepairedOnResync() {
        NeighTable t = table();
        t.setNeighbour(ip("10.244.0.1"), mac("66:42:00:00:00:01"));
        t.setNeighbour(ip("10.244.0.2"), mac("66:42:00:00:00:02"));
        t.setNeighbour(ip("fd00:244::1"), mac("66:42:00:00:00:03"));
        assertOk(t.apply());
        List<String> programmed = List.of("10.244.0.1 66:42:00:00:00:01 [PERMANENT]",
                "10.244.0.2 66:42:00:00:00:02 [PERMANENT]", "fd00:244::1 66:42:00:00:00:03 [PERMANENT]");
        assertEquals(programmed, entries());

        node.ip("neigh", "del", "10.244.0.1", "dev", DEV);
        node.ip("-6", "neigh", "del", "fd00:244::1", "dev", DEV);
        node.ip("neigh", "replace", "10.244.0.2", "lladdr", "66:42:00:00:00:99", "dev", DEV, "nud", "permanent");
        t.queueResync();
        ApplyResult repair = t.apply();
        assertOk(repair);
        assertEquals(3, repair.writes());
        assertEquals(programmed, entries());

        t.queueResync();
        assertEquals(0, t.apply().writes());
    }

    @Test
    void entriesThatAreNotPermanentOrNotOnTheDeviceAreLeftAlone() {
        node.ip("neigh", "add", "10.244.9.9", "lladdr", "66:42:00:00:00:09", "dev", DEV, "nud", "stale");
        node.ip("link", "set", VxlanNamespace.VXLAN_V6, "up");
        node.ip("neigh", "add", "10.244.9.8", "lladdr", "66:42:00:00:00:08", "dev", VxlanNamespace.VXLAN_V6, "nud",
                "permanent");

        NeighTable t = table();
        t.setNeighbour(ip("10.244.0.1"), mac("66:42:00:00:00:01"));
        assertOk(t.apply());
        t.replaceAllNeighbours(Map.of());
        t.queueResync();
        assertOk(t.apply());

        assertEquals(List.of("10.244.9.9 66:42:00:00:00:09 [STALE]"), entries());
        assertEquals("10.244.9.8",
                node.ns.oracle().neighs(VxlanNamespace.VXLAN_V6).stream().findFirst().orElseThrow().get("dst"));
    }

    @Test
    void aRestartedTableAdoptsItsEntriesAndRemovesStaleOnes() {
        NeighTable before = table();
        before.setNeighbour(ip("10.244.0.1"), mac("66:42:00:00:00:01"));
        before.setNeighbour(ip("10.244.0.2"), mac("66:42:00:00:00:02"));
        before.setNeighbour(ip("fd00:244::2"), mac("66:42:00:00:00:04"));
        assertOk(before.apply());

        NeighTable after = table();
        after.setNeighbour(ip("10.244.0.1"), mac("66:42:00:00:00:01"));
        ApplyResult r = after.apply();
        assertOk(r);
        assertEquals(2, r.writes(), "two stale deletes; the kept entry is adopted");
        assertEquals(List.of("10.244.0.1 66:42:00:00:00:01 [PERMANENT]"), entries());
    }

    @Test
    void aMissingDeviceIsReportedByName() {
        NeighTable t = new NeighTable(NeighKernel.of(node.netlink), "vxlan.missing");
        t.setNeighbour(ip("10.244.0.1"), mac("66:42:00:00:00:01"));
        ApplyResult r = t.apply();
        assertTrue(r.summary().contains("device vxlan.missing: no such device"), r.summary());
    }
}
