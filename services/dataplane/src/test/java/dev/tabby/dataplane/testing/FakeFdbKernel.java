package dev.tabby.dataplane.testing;

import dev.tabby.dataplane.fdb.FdbKernel;
import dev.tabby.netlink.Fdb;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * In-memory FDBs of named VXLAN devices, with the kernel's VXLAN rules: a MAC may hold several remotes (appended by
 * someone else); {@code fdbAdd} (create-or-replace) of a known MAC replaces its first remote, unless the asked remote
 * is already among them; deleting a MAC-and-remote that is not there is ENOENT.
 */
public final class FakeFdbKernel implements FdbKernel {
    private final Map<String, Integer> devices = new HashMap<>();
    private final List<Fdb> entries = new ArrayList<>();
    private final Faults<Fdb> faults = new Faults<>();
    private int writes;

    public int addDevice(String name, int index) {
        devices.put(name, index);
        return index;
    }

    public void install(Fdb f) {
        if (!entries.contains(f)) {
            entries.add(f);
        }
    }

    public void removeByHand(Predicate<Fdb> which) {
        entries.removeIf(which);
    }

    public List<Fdb> entries() {
        return List.copyOf(entries);
    }

    public void failWrites(Predicate<Fdb> which, int errno) {
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
    public List<Fdb> fdbList(int linkIndex) {
        return entries.stream().filter(f -> f.linkIndex() == linkIndex).toList();
    }

    @Override
    public void fdbAdd(Fdb f) {
        faults.check("fdbAdd", f);
        if (!devices.containsValue(f.linkIndex())) {
            throw new NetlinkException(Errno.ENODEV, "fdbAdd", "fdb " + f.mac(), null);
        }
        writes++;
        if (entries.contains(f)) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            Fdb e = entries.get(i);
            if (e.linkIndex() == f.linkIndex() && e.mac().equals(f.mac())) {
                entries.set(i, f);
                return;
            }
        }
        entries.add(f);
    }

    @Override
    public void fdbDel(Fdb f) {
        faults.check("fdbDel", f);
        if (!entries.remove(f)) {
            throw new NetlinkException(Errno.ENOENT, "fdbDel", "fdb " + f.mac(), null);
        }
        writes++;
    }
}
