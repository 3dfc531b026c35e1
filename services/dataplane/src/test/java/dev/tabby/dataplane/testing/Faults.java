package dev.tabby.dataplane.testing;

import dev.tabby.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Errors a fake kernel raises on demand: "refuse any write of this object with this errno". */
final class Faults<T> {
    private record Fault<T>(Predicate<T> matches, int errno) {
    }

    private final List<Fault<T>> faults = new ArrayList<>();

    void add(Predicate<T> matches, int errno) {
        faults.add(new Fault<>(matches, errno));
    }

    void clear() {
        faults.clear();
    }

    void check(String operation, T object) {
        for (Fault<T> f : faults) {
            if (f.matches().test(object)) {
                throw new NetlinkException(f.errno(), operation, String.valueOf(object), "injected by the test");
            }
        }
    }
}
