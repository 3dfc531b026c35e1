package dev.tabby.dataplane.neigh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.testing.FakeNeighKernel;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.raw.Errno;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NeighTableTest {
    private static final String VXLAN = "vxlan.calico";
    private final FakeNeighKernel kernel = new FakeNeighKernel();
    private final int vxlan = kernel.addDevice(VXLAN, 5);
    private final int eth0 = kernel.addDevice("eth0", 2);

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static MacAddress mac(String s) {
        return MacAddress.parse(s);
    }

    private Set<String> entries() {
        return kernel.entries().stream()
                .map(n -> n.ip() + " " + n.mac() + " #" + n.linkIndex() + " " + n.state())
                .collect(Collectors.toSet());
    }

    @Test
    void programsPermanentEntriesOnItsDevice() {
        NeighTable t = new NeighTable(kernel, VXLAN);
        t.setNeighbour(ip("10.65.1.0"), mac("66:00:00:00:00:01"));
        t.setNeighbour(ip("fd00:65:1::"), mac("66:00:00:00:00:02"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("10.65.1.0 66:00:00:00:00:01 #5 128", "fd00:65:1:: 66:00:00:00:00:02 #5 128"), entries());
        assertEquals(0, t.apply().writes());
    }

    @Test
    void onlyPermanentEntriesOnItsDeviceAreItsOwn() {
        kernel.install(new Neigh(vxlan, ip("10.65.7.0"), mac("66:00:00:00:00:07"), Neigh.REACHABLE));
        kernel.install(Neigh.permanent(eth0, ip("10.0.0.9"), mac("66:00:00:00:00:09")));
        kernel.install(Neigh.permanent(vxlan, ip("10.65.8.0"), mac("66:00:00:00:00:08")));
        NeighTable t = new NeighTable(kernel, VXLAN);
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("10.65.7.0 66:00:00:00:00:07 #5 2", "10.0.0.9 66:00:00:00:00:09 #2 128"), entries());
    }

    @Test
    void aRestartedTableAdoptsAndRepairsDrift() {
        NeighTable before = new NeighTable(kernel, VXLAN);
        before.replaceAllNeighbours(Map.of(ip("10.65.1.0"), mac("66:00:00:00:00:01"),
                ip("10.65.2.0"), mac("66:00:00:00:00:02")));
        before.apply();
        kernel.removeByHand(n -> n.ip().equals(ip("10.65.1.0")));

        NeighTable after = new NeighTable(kernel, VXLAN);
        after.setNeighbour(ip("10.65.1.0"), mac("66:00:00:00:00:01"));
        after.setNeighbour(ip("10.65.3.0"), mac("66:00:00:00:00:03"));
        ApplyResult r = after.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(3, r.writes());
        assertEquals(Set.of("10.65.1.0 66:00:00:00:00:01 #5 128", "10.65.3.0 66:00:00:00:00:03 #5 128"), entries());
    }

    @Test
    void aMissingDeviceIsReportedAndRetried() {
        FakeNeighKernel empty = new FakeNeighKernel();
        NeighTable t = new NeighTable(empty, VXLAN);
        t.setNeighbour(ip("10.65.1.0"), mac("66:00:00:00:00:01"));
        ApplyResult r = t.apply();
        assertFalse(r.ok());
        assertTrue(r.summary().contains("device vxlan.calico: no such device"), r.summary());

        empty.addDevice(VXLAN, 11);
        assertTrue(t.apply().ok());
        assertEquals(11, empty.entries().get(0).linkIndex());
    }

    @Test
    void aRecreatedDeviceIsFoundAgainAfterAFailedWrite() {
        NeighTable t = new NeighTable(kernel, VXLAN);
        t.apply();
        kernel.removeDevice(VXLAN);
        kernel.addDevice(VXLAN, 12);
        t.setNeighbour(ip("10.65.1.0"), mac("66:00:00:00:00:01"));
        ApplyResult r = t.apply();
        assertFalse(r.ok(), "the old index is gone");
        assertTrue(r.failures().get(0).error().contains("ENODEV"), r.summary());
        assertTrue(t.apply().ok());
        assertEquals(12, kernel.entries().get(0).linkIndex());
    }

    @Test
    void oneBadEntryDoesNotStopTheOthers() {
        kernel.failWrites(n -> n.ip().equals(ip("10.65.2.0")), Errno.EINVAL);
        NeighTable t = new NeighTable(kernel, VXLAN);
        t.setNeighbour(ip("10.65.1.0"), mac("66:00:00:00:00:01"));
        t.setNeighbour(ip("10.65.2.0"), mac("66:00:00:00:00:02"));
        ApplyResult r = t.apply();
        assertEquals(1, r.writes());
        assertEquals("10.65.2.0 lladdr 66:00:00:00:00:02 dev vxlan.calico nud permanent", r.failures().get(0).object());
        assertEquals(1, t.pendingCount());
    }
}
