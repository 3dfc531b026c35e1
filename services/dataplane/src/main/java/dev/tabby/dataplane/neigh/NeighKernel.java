package dev.tabby.dataplane.neigh;

import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.Netlink;
import java.util.List;
import java.util.OptionalInt;

/** The part of {@link Netlink} that {@link NeighTable} uses; tests give it an in-memory kernel. */
public interface NeighKernel {
    /** The device's ifindex, or empty when there is no such device. */
    OptionalInt linkIndex(String device);

    List<Neigh> neighList(int linkIndex, int family);

    /** Creates or overwrites the entry for the IP on the device ({@code ip neigh replace}). */
    void neighSet(Neigh neigh);

    void neighDel(Neigh neigh);

    static NeighKernel of(Netlink netlink) {
        return new NeighKernel() {
            @Override
            public OptionalInt linkIndex(String device) {
                return netlink.linkByName(device).map(l -> OptionalInt.of(l.index())).orElse(OptionalInt.empty());
            }

            @Override
            public List<Neigh> neighList(int linkIndex, int family) {
                return netlink.neighList(linkIndex, family);
            }

            @Override
            public void neighSet(Neigh neigh) {
                netlink.neighSet(neigh);
            }

            @Override
            public void neighDel(Neigh neigh) {
                netlink.neighDel(neigh);
            }
        };
    }
}
