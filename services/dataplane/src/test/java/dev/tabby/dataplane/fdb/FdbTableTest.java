package dev.tabby.dataplane.fdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.testing.FakeFdbKernel;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Fdb;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.raw.Errno;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FdbTableTest {
    private static final String VXLAN = "vxlan.calico";
    private final FakeFdbKernel kernel = new FakeFdbKernel();
    private final int vxlan = kernel.addDevice(VXLAN, 5);

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static MacAddress mac(String s) {
        return MacAddress.parse(s);
    }

    private Set<String> entries() {
        return kernel.entries().stream().map(f -> f.mac() + " dst " + f.remote()).collect(Collectors.toSet());
    }

    @Test
    void programsEntriesAndChangesARemoteWithoutLeavingTheOld() {
        FdbTable t = new FdbTable(kernel, VXLAN);
        t.setEntry(mac("66:00:00:00:00:01"), ip("192.168.0.1"));
        t.setEntry(mac("66:00:00:00:00:02"), ip("192.168.0.2"));
        assertTrue(t.apply().ok());
        t.setEntry(mac("66:00:00:00:00:02"), ip("192.168.0.22"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("66:00:00:00:00:01 dst 192.168.0.1", "66:00:00:00:00:02 dst 192.168.0.22"), entries());
    }

    @Test
    void aRestartedTableAdoptsRepairsAndRemovesStale() {
        kernel.install(new Fdb(vxlan, mac("66:00:00:00:00:01"), ip("192.168.0.1")));
        kernel.install(new Fdb(vxlan, mac("66:00:00:00:00:02"), ip("192.168.0.2")));
        kernel.install(new Fdb(vxlan, mac("66:00:00:00:00:03"), ip("192.168.0.99")));
        kernel.install(new Fdb(vxlan, MacAddress.of(new byte[6]), ip("192.168.0.250")));
        FdbTable t = new FdbTable(kernel, VXLAN);
        t.setEntry(mac("66:00:00:00:00:01"), ip("192.168.0.1"));
        t.setEntry(mac("66:00:00:00:00:03"), ip("192.168.0.3"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("66:00:00:00:00:01 dst 192.168.0.1", "66:00:00:00:00:03 dst 192.168.0.3",
                "00:00:00:00:00:00 dst 192.168.0.250"), entries());
    }

    @Test
    void extraRemotesForOneMacAreRemoved() {
        kernel.install(new Fdb(vxlan, mac("66:00:00:00:00:01"), ip("192.168.0.9")));
        kernel.install(new Fdb(vxlan, mac("66:00:00:00:00:01"), ip("192.168.0.1")));
        FdbTable t = new FdbTable(kernel, VXLAN);
        t.setEntry(mac("66:00:00:00:00:01"), ip("192.168.0.1"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("66:00:00:00:00:01 dst 192.168.0.1"), entries());
    }

    @Test
    void anEntryAddedBehindItsBackIsOverwrittenInPlace() {
        FdbTable t = new FdbTable(kernel, VXLAN);
        t.apply();
        kernel.install(new Fdb(vxlan, mac("66:00:00:00:00:01"), ip("192.168.0.9")));
        t.setEntry(mac("66:00:00:00:00:01"), ip("192.168.0.1"));
        ApplyResult r = t.apply();
        assertTrue(r.ok(), r.summary());
        assertEquals(Set.of("66:00:00:00:00:01 dst 192.168.0.1"), entries());
    }

    @Test
    void aRecreatedDeviceIsFoundAgainAfterAFailedWrite() {
        FdbTable t = new FdbTable(kernel, VXLAN);
        t.apply();
        kernel.addDevice(VXLAN, 12);
        t.setEntry(mac("66:00:00:00:00:01"), ip("192.168.0.1"));
        assertFalse(t.apply().ok(), "index 5 is gone");
        assertTrue(t.apply().ok());
        assertEquals(12, kernel.entries().get(0).linkIndex());
    }

    @Test
    void oneBadEntryDoesNotStopTheOthers() {
        kernel.failWrites(f -> f.mac().equals(mac("66:00:00:00:00:02")), Errno.EINVAL);
        FdbTable t = new FdbTable(kernel, VXLAN);
        t.setEntry(mac("66:00:00:00:00:01"), ip("192.168.0.1"));
        t.setEntry(mac("66:00:00:00:00:02"), ip("192.168.0.2"));
        ApplyResult r = t.apply();
        assertEquals(1, r.writes());
        assertEquals("66:00:00:00:00:02 dev vxlan.calico dst 192.168.0.2", r.failures().get(0).object());
    }
}
