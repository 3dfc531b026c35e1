package dev.tabby.dataplane.fdb;

import dev.tabby.netlink.Fdb;
import dev.tabby.netlink.Netlink;
import java.util.List;
import java.util.OptionalInt;

/** The part of {@link Netlink} that {@link FdbTable} uses; tests give it an in-memory kernel. */
public interface FdbKernel {
    /** The device's ifindex, or empty when there is no such device. */
    OptionalInt linkIndex(String device);

    List<Fdb> fdbList(int linkIndex);

    void fdbAdd(Fdb entry);

    void fdbDel(Fdb entry);

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
        };
    }
}
