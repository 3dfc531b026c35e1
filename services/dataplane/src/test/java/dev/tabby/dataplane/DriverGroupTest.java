package dev.tabby.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.dataplane.fdb.FdbTable;
import dev.tabby.dataplane.neigh.NeighTable;
import dev.tabby.dataplane.testing.FakeFdbKernel;
import dev.tabby.dataplane.testing.FakeNeighKernel;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Neigh;
import org.junit.jupiter.api.Test;

class DriverGroupTest {

    @Test
    void everyDriverRunsAndResyncsEvenWhenOneFails() {
        FakeNeighKernel neighKernel = new FakeNeighKernel();
        FakeFdbKernel fdbKernel = new FakeFdbKernel();
        fdbKernel.addDevice("vxlan.calico", 5);
        NeighTable neighbours = new NeighTable(neighKernel, "vxlan.calico");
        FdbTable fdb = new FdbTable(fdbKernel, "vxlan.calico");
        DriverGroup group = new DriverGroup(neighbours, fdb);
        neighbours.setNeighbour(IpAddress.parse("10.244.0.1"), MacAddress.parse("66:42:00:00:00:01"));
        fdb.setEntry(MacAddress.parse("66:42:00:00:00:01"), IpAddress.parse("192.168.0.1"));

        ApplyResult r = group.apply();
        assertEquals(1, r.writes(), "the FDB is written although the neighbours' device is missing");
        assertEquals(1, r.failures().size());
        assertEquals(1, group.pendingCount());
        assertEquals("neighbours dev vxlan.calico, fdb dev vxlan.calico", group.name());

        neighKernel.addDevice("vxlan.calico", 5);
        fdbKernel.removeByHand(f -> true);
        neighKernel.install(Neigh.permanent(5, IpAddress.parse("10.244.0.9"), MacAddress.parse("66:42:00:00:00:09")));
        group.queueResync();
        ApplyResult repaired = group.apply();
        assertEquals(3, repaired.writes(), "neighbour added, stale neighbour deleted, FDB entry restored");
        assertEquals(0, group.pendingCount());
    }
}
