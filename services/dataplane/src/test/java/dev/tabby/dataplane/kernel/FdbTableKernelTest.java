package dev.tabby.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.fdb.FdbKernel;
import dev.tabby.dataplane.fdb.FdbTable;
import dev.tabby.dataplane.testing.VxlanNamespace;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FdbTable against a real kernel: VTEP MACs to underlay IPs on vxlan.calico and vxlan-v6.calico. */
class FdbTableKernelTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private VxlanNamespace node;

    @BeforeEach
    void node() {
        node = VxlanNamespace.create(netns);
    }

    private FdbTable table(String device) {
        return new FdbTable(FdbKernel.of(node.netlink), device);
    }

    private static void assertOk(ApplyResult r) {
        assertTrue(r.ok(), r.summary());
    }

    /** "MAC dst IP" for every entry with a remote on the device, sorted. */
    private List<String> entries(String device) {
        return node.ns.oracle().fdb(device).stream()
                .filter(f -> f.containsKey("dst"))
                .map(f -> f.get("mac") + " dst " + f.get("dst"))
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
    void entriesDeletedChangedOrAppendedByHandAreRepairedOnResync() {
        String dev = VxlanNamespace.VXLAN;
        FdbTable t = table(dev);
        t.setEntry(mac("66:42:00:00:00:01"), ip("192.168.0.1"));
        t.setEntry(mac("66:42:00:00:00:02"), ip("192.168.0.2"));
        t.setEntry(mac("66:42:00:00:00:03"), ip("192.168.0.3"));
        assertOk(t.apply());
        List<String> programmed = List.of("66:42:00:00:00:01 dst 192.168.0.1", "66:42:00:00:00:02 dst 192.168.0.2",
                "66:42:00:00:00:03 dst 192.168.0.3");
        assertEquals(programmed, entries(dev));

        bridge("fdb", "del", "66:42:00:00:00:01", "dev", dev, "dst", "192.168.0.1", "self");
        bridge("fdb", "replace", "66:42:00:00:00:02", "dev", dev, "dst", "192.168.0.99", "self", "permanent");
        bridge("fdb", "append", "66:42:00:00:00:03", "dev", dev, "dst", "192.168.0.98", "self", "permanent");
        t.queueResync();
        assertOk(t.apply());
        assertEquals(programmed, entries(dev));

        t.queueResync();
        assertEquals(0, t.apply().writes());
    }

    @Test
    void aRemoteChangeIsOneWrite() {
        String dev = VxlanNamespace.VXLAN;
        FdbTable t = table(dev);
        t.setEntry(mac("66:42:00:00:00:01"), ip("192.168.0.1"));
        assertOk(t.apply());
        t.setEntry(mac("66:42:00:00:00:01"), ip("192.168.0.11"));
        ApplyResult r = t.apply();
        assertOk(r);
        assertEquals(1, r.writes());
        assertEquals(List.of("66:42:00:00:00:01 dst 192.168.0.11"), entries(dev));
    }

    @Test
    void aRestartedTableAdoptsItsEntriesAndRemovesStaleOnesOnIpv6Too() {
        String dev = VxlanNamespace.VXLAN_V6;
        FdbTable before = table(dev);
        before.setEntry(mac("66:42:00:00:00:01"), ip("fd00::1"));
        before.setEntry(mac("66:42:00:00:00:02"), ip("fd00::2"));
        assertOk(before.apply());

        FdbTable after = table(dev);
        after.setEntry(mac("66:42:00:00:00:01"), ip("fd00::1"));
        after.setEntry(mac("66:42:00:00:00:03"), ip("fd00::3"));
        ApplyResult r = after.apply();
        assertOk(r);
        assertEquals(2, r.writes(), "one add, one stale delete; the kept entry is adopted");
        assertEquals(List.of("66:42:00:00:00:01 dst fd00::1", "66:42:00:00:00:03 dst fd00::3"), entries(dev));
    }

    @Test
    void anotherDevicesEntriesAreNotOurs() {
        bridge("fdb", "append", "66:42:00:00:00:07", "dev", VxlanNamespace.VXLAN_V6, "dst", "fd00::7", "self",
                "permanent");
        FdbTable t = table(VxlanNamespace.VXLAN);
        t.setEntry(mac("66:42:00:00:00:01"), ip("192.168.0.1"));
        assertOk(t.apply());
        assertEquals(List.of("66:42:00:00:00:07 dst fd00::7"), entries(VxlanNamespace.VXLAN_V6));
    }

    private void bridge(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "bridge";
        cmd[1] = "-n";
        cmd[2] = node.ns.name();
        System.arraycopy(args, 0, cmd, 3, args.length);
        Cmd.run(cmd);
    }
}
