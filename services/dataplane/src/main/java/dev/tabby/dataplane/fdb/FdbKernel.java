package dev.tabby.dataplane.fdb;

import dev.tabby.dataplane.KernelBatch;
import dev.tabby.netlink.Fdb;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkBatch;
import dev.tabby.netlink.NetlinkException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The part of {@link Netlink} that {@link FdbTable} uses; tests give it an in-memory kernel. */
public interface FdbKernel {
    /** One change for {@link #fdbBatch}: {@link #fdbAdd} or {@link #fdbDel} of {@code entry}. */
    record Change(boolean delete, Fdb entry) {
        public static Change add(Fdb entry) {
            return new Change(false, entry);
        }

        public static Change del(Fdb entry) {
            return new Change(true, entry);
        }
    }

    /** The device's ifindex, or empty when there is no such device. */
    OptionalInt linkIndex(String device);

    List<Fdb> fdbList(int linkIndex);

    void fdbAdd(Fdb entry);

    void fdbDel(Fdb entry);

    /**
     * Makes the changes in order and returns, in the same order, what each single call would have thrown (empty when
     * done). Netlink sends them pipelined; this default makes the single calls.
     */
    default List<Optional<NetlinkException>> fdbBatch(List<Change> changes) {
        return KernelBatch.oneAtATime(changes, c -> {
            if (c.delete()) {
                fdbDel(c.entry());
            } else {
                fdbAdd(c.entry());
            }
        });
    }

    static FdbKernel of(Netlink netlink) {
        return new FdbKernel() {
            @Override
            public OptionalInt linkIndex(String device) {
                return netlink.linkByName(device).map(l -> OptionalInt.of(l.index())).orElse(OptionalInt.empty());
            }

            @Override
            public List<Fdb> fdbList(int linkIndex) {
                return netlink.fdbList(linkIndex);
            }

            @Override
            public void fdbAdd(Fdb entry) {
                netlink.fdbAdd(entry);
            }

            @Override
            public void fdbDel(Fdb entry) {
                netlink.fdbDel(entry);
            }

            @Override
            public List<Optional<NetlinkException>> fdbBatch(List<Change> changes) {
                NetlinkBatch batch = netlink.batch();
                for (Change c : changes) {
                    if (c.delete()) {
                        batch.fdbDel(c.entry());
                    } else {
                        batch.fdbAdd(c.entry());
                    }
                }
                return batch.execute();
            }
        };
    }
}
