package dev.tabby.dataplane.testing;

import dev.tabby.dataplane.neigh.NeighKernel;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;

/** In-memory neighbour tables of named devices: one entry per device and IP; set overwrites, delete of none is ENOENT. */
public final class FakeNeighKernel implements NeighKernel {
    private final Map<String, Integer> devices = new HashMap<>();
    private final List<Neigh> entries = new ArrayList<>();
    private final Faults<Neigh> faults = new Faults<>();
    private int writes;

    public int addDevice(String name, int index) {
        devices.put(name, index);
        return index;
    }

    /** The device goes, and its entries with it, as in the kernel. */
    public void removeDevice(String name) {
        Integer index = devices.remove(name);
        entries.removeIf(n -> index != null && n.linkIndex() == index);
    }

    public void install(Neigh n) {
        entries.removeIf(x -> x.linkIndex() == n.linkIndex() && x.ip().equals(n.ip()));
        entries.add(n);
    }

    public void removeByHand(Predicate<Neigh> which) {
        entries.removeIf(which);
    }

    public List<Neigh> entries() {
        return List.copyOf(entries);
    }

    public void failWrites(Predicate<Neigh> which, int errno) {
        faults.add(which, errno);
    }

    public void clearFaults() {
        faults.clear();
    }

    public int writes() {
        return writes;
    }

    @Override
    public OptionalInt linkIndex(String device) {
        Integer index = devices.get(device);
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    @Override
    public List<Neigh> neighList(int linkIndex, int family) {
        return entries.stream()
                .filter(n -> n.linkIndex() == linkIndex)
                .filter(n -> family == Family.UNSPEC || (family == Family.INET) == n.ip().isV4())
                .toList();
    }

    @Override
    public void neighSet(Neigh n) {
        faults.check("neighSet", n);
        if (!devices.containsValue(n.linkIndex())) {
            throw new NetlinkException(Errno.ENODEV, "neighSet", "neighbour " + n.ip(), null);
        }
        install(n);
        writes++;
    }

    @Override
    public void neighDel(Neigh n) {
        faults.check("neighDel", n);
        boolean removed = entries.removeIf(x -> x.linkIndex() == n.linkIndex() && x.ip().equals(n.ip()));
        if (!removed) {
            throw new NetlinkException(Errno.ENOENT, "neighDel", "neighbour " + n.ip(), null);
        }
        writes++;
    }
}
