package dev.tabby.dataplane.fdb;

import dev.tabby.dataplane.DeviceTable;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Fdb;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Converges the forwarding database of one VXLAN device: each remote VTEP's MAC to its underlay IP
 * ({@code bridge fdb ... dst IP self permanent}). The device is ours, so every entry with a remote is ours, except
 * the all-zeros MAC: that default destination comes from the device's own configuration.
 */
public final class FdbTable extends DeviceTable<MacAddress, IpAddress, Fdb> {
    private static final MacAddress DEFAULT_DESTINATION = MacAddress.of(new byte[6]);

    private final FdbKernel kernel;
    // A second remote for a MAC already tracked (an appended entry): deleted on the next apply.
    private final List<Fdb> strays = new ArrayList<>();

    public FdbTable(FdbKernel kernel, String device) {
        super("fdb dev " + device, "FDB entries", device);
        this.kernel = kernel;
    }

    /** Frames for {@code mac} go to the VTEP at {@code remote}. */
    public void setEntry(MacAddress mac, IpAddress remote) {
        entries.setDesired(mac, remote);
    }

    public void removeEntry(MacAddress mac) {
        entries.deleteDesired(mac);
    }

    /** Makes {@code wanted} the whole desired set: entries not in it are removed on the next apply. */
    public void replaceAllEntries(Map<MacAddress, IpAddress> wanted) {
        entries.replaceAllDesired(wanted);
    }

    public Map<MacAddress, IpAddress> desiredEntries() {
        return entries.desiredView();
    }

    @Override
    protected OptionalInt lookUpDevice() {
        return kernel.linkIndex(device);
    }

    @Override
    protected Map<MacAddress, IpAddress> readOurs(int index) {
        Map<MacAddress, IpAddress> ours = new HashMap<>();
        strays.clear();
        for (Fdb f : kernel.fdbList(index)) {
            if (f.linkIndex() != index || f.remote() == null || f.mac().equals(DEFAULT_DESTINATION)) {
                continue;
            }
            IpAddress seen = ours.putIfAbsent(f.mac(), f.remote());
            if (seen != null) {
                // Two remotes for one MAC: keep the one we want (if either), delete the other.
                boolean wantThis = entries.desired(f.mac()).map(f.remote()::equals).orElse(false);
                if (wantThis) {
                    ours.put(f.mac(), f.remote());
                    strays.add(new Fdb(index, f.mac(), seen));
                } else {
                    strays.add(f);
                }
            }
        }
        return ours;
    }

    @Override
    protected List<Fdb> strays() {
        return strays;
    }

    @Override
    protected void strayRemoved(Fdb entry) {
        strays.remove(entry);
    }

    @Override
    protected Fdb entry(int linkIndex, MacAddress mac, IpAddress remote) {
        return new Fdb(linkIndex, mac, remote);
    }

    /** fdbAdd creates or replaces: a MAC that moved to another VTEP changes in one write, with no gap. */
    @Override
    protected List<Optional<NetlinkException>> eraseThenWrite(List<Fdb> erasures, List<Fdb> writes) {
        List<FdbKernel.Change> changes = new ArrayList<>(erasures.size() + writes.size());
        erasures.forEach(f -> changes.add(FdbKernel.Change.del(f)));
        writes.forEach(f -> changes.add(FdbKernel.Change.add(f)));
        return kernel.fdbBatch(changes);
    }

    @Override
    protected String describe(Fdb entry) {
        return entry.mac() + " dev " + device + " dst " + entry.remote();
    }
}
