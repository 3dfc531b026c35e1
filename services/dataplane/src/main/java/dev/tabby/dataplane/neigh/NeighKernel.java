package dev.tabby.dataplane.neigh;

import dev.tabby.dataplane.KernelBatch;
import dev.tabby.netlink.Neigh;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkBatch;
import dev.tabby.netlink.NetlinkException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The part of {@link Netlink} that {@link NeighTable} uses; tests give it an in-memory kernel. */
public interface NeighKernel {
    /** One change for {@link #neighBatch}: {@link #neighSet} or {@link #neighDel} of {@code neigh}. */
    record Change(boolean delete, Neigh neigh) {
        public static Change set(Neigh neigh) {
            return new Change(false, neigh);
        }

        public static Change del(Neigh neigh) {
            return new Change(true, neigh);
        }
    }

    /** The device's ifindex, or empty when there is no such device. */
    OptionalInt linkIndex(String device);

    List<Neigh> neighList(int linkIndex, int family);

    /** Creates or overwrites the entry for the IP on the device ({@code ip neigh replace}). */
    void neighSet(Neigh neigh);

    void neighDel(Neigh neigh);

    /**
     * Makes the changes in order and returns, in the same order, what each single call would have thrown (empty when
     * done). Netlink sends them pipelined; this default makes the single calls.
     */
    default List<Optional<NetlinkException>> neighBatch(List<Change> changes) {
        return KernelBatch.oneAtATime(changes, c -> {
            if (c.delete()) {
                neighDel(c.neigh());
            } else {
                neighSet(c.neigh());
            }
        });
    }

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

            @Override
            public List<Optional<NetlinkException>> neighBatch(List<Change> changes) {
                NetlinkBatch batch = netlink.batch();
                for (Change c : changes) {
                    if (c.delete()) {
                        batch.neighDel(c.neigh());
                    } else {
                        batch.neighSet(c.neigh());
                    }
                }
                return batch.execute();
            }
        };
    }
}
