package dev.tabby.dataplane.neigh;

import dev.tabby.dataplane.DeviceTable;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Converges the permanent ARP / NDP entries on one device (e.g. {@code vxlan.calico}: the inner IP of each remote
 * VTEP to its MAC). Only PERMANENT entries on that device are ours; entries the kernel learned are left alone unless
 * we want their IP, in which case ours replaces them.
 */
public final class NeighTable extends DeviceTable<IpAddress, MacAddress, Neigh> {
    private final NeighKernel kernel;

    public NeighTable(NeighKernel kernel, String device) {
        super("neighbours dev " + device, "neighbours", device);
        this.kernel = kernel;
    }

    public void setNeighbour(IpAddress ip, MacAddress mac) {
        entries.setDesired(ip, mac);
    }

    public void removeNeighbour(IpAddress ip) {
        entries.deleteDesired(ip);
    }

    /** Makes {@code wanted} the whole desired set: entries not in it are removed on the next apply. */
    public void replaceAllNeighbours(Map<IpAddress, MacAddress> wanted) {
        entries.replaceAllDesired(wanted);
    }

    public Map<IpAddress, MacAddress> desiredNeighbours() {
        return entries.desiredView();
    }

    @Override
    protected OptionalInt lookUpDevice() {
        return kernel.linkIndex(device);
    }

    @Override
    protected Map<IpAddress, MacAddress> readOurs(int index) {
        Map<IpAddress, MacAddress> ours = new HashMap<>();
        for (int family : new int[] {Family.INET, Family.INET6}) {
            for (Neigh n : kernel.neighList(index, family)) {
                if (n.linkIndex() == index && (n.state() & Neigh.PERMANENT) != 0 && n.mac() != null) {
                    ours.put(n.ip(), n.mac());
                }
            }
        }
        return ours;
    }

    @Override
    protected Neigh entry(int linkIndex, IpAddress ip, MacAddress mac) {
        return Neigh.permanent(linkIndex, ip, mac);
    }

    @Override
    protected List<Optional<NetlinkException>> eraseThenWrite(List<Neigh> erasures, List<Neigh> writes) {
        List<NeighKernel.Change> changes = new ArrayList<>(erasures.size() + writes.size());
        erasures.forEach(n -> changes.add(NeighKernel.Change.del(n)));
        writes.forEach(n -> changes.add(NeighKernel.Change.set(n)));
        return kernel.neighBatch(changes);
    }

    @Override
    protected String describe(Neigh entry) {
        return entry.ip() + " lladdr " + entry.mac() + " dev " + device + " nud permanent";
    }
}
