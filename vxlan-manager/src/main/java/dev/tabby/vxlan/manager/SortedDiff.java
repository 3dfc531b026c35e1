package dev.tabby.vxlan.manager;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What differs between two plans' lists (VTEPs, routes, blackholes), found by walking both in their key order with no
 * map built: a node change at 5,000 nodes then costs one comparison per entry and no garbage, where building maps of
 * every entry on each apply kept the collector busy (JFR under {@code bench scale}: a full collection every ~0.5 s).
 * A plan lists its entries sorted by key already ({@link dev.tabby.vxlan.plan.VxlanPlan}); should a list ever not be,
 * the difference is found through a map instead, so the answer never depends on the order.
 */
final class SortedDiff {
    private SortedDiff() {
    }

    /** Told about each entry that differs. */
    interface Visitor<T> {
        /** {@code before}'s key is gone. */
        void removed(T before);

        /** {@code now} is new ({@code before} null) or replaces a different {@code before} with its key. */
        void changed(T before, T now);
    }

    /**
     * Visits every key whose entry differs (by {@code equals}) between {@code before} and {@code now}, each a list with
     * no key twice: removals and changes in key order when both are sorted by {@code order}.
     */
    static <T, K> void walk(List<T> before, List<T> now, Function<T, K> key, Comparator<? super K> order, Visitor<T> v) {
        if (!sorted(before, key, order) || !sorted(now, key, order)) {
            byMap(before, now, key, v);
            return;
        }
        int i = 0;
        int j = 0;
        while (i < before.size() || j < now.size()) {
            if (j == now.size()) {
                v.removed(before.get(i++));
            } else if (i == before.size()) {
                v.changed(null, now.get(j++));
            } else {
                T b = before.get(i);
                T n = now.get(j);
                int c = order.compare(key.apply(b), key.apply(n));
                if (c < 0) {
                    v.removed(b);
                    i++;
                } else if (c > 0) {
                    v.changed(null, n);
                    j++;
                } else {
                    if (!b.equals(n)) {
                        v.changed(b, n);
                    }
                    i++;
                    j++;
                }
            }
        }
    }

    /** Strictly ascending: sorted, and no key twice. */
    private static <T, K> boolean sorted(List<T> list, Function<T, K> key, Comparator<? super K> order) {
        for (int i = 1; i < list.size(); i++) {
            if (order.compare(key.apply(list.get(i - 1)), key.apply(list.get(i))) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static <T, K> void byMap(List<T> before, List<T> now, Function<T, K> key, Visitor<T> v) {
        Map<K, T> old = new HashMap<>();
        before.forEach(b -> old.put(key.apply(b), b));
        Map<K, T> fresh = new HashMap<>();
        now.forEach(n -> fresh.put(key.apply(n), n));
        old.forEach((k, b) -> {
            if (!fresh.containsKey(k)) {
                v.removed(b);
            }
        });
        fresh.forEach((k, n) -> {
            T b = old.get(k);
            if (!Objects.equals(b, n)) {
                v.changed(b, n);
            }
        });
    }
}
