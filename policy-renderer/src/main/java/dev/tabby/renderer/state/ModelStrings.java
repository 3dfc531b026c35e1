package dev.tabby.renderer.state;

import dev.tabby.policy.calc.IpSetItem;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One copy of each string the policy model repeats across the cluster's endpoints: label keys and values (and whole
 * label maps), namespaces, profile names, node names. Names and addresses, one endpoint's each, are not shared. Each decoded endpoint arrives with its own copies; at 50,000 endpoints those copies were
 * a large part of policy-renderer's heap (issue 16). Scoped to one {@link PolicyState}, not {@link String#intern()}:
 * weakly held, so a string no resource uses any more is collected with its last user.
 *
 * <p>Not thread-safe: the model's thread owns it.
 */
final class ModelStrings {
    private final WeakHashMap<String, WeakReference<String>> strings = new WeakHashMap<>();
    private final WeakHashMap<Map<String, String>, WeakReference<Map<String, String>>> maps = new WeakHashMap<>();

    /** The model's copy of {@code s}: the first one seen while any user of it lives. */
    String of(String s) {
        if (s == null) {
            return null;
        }
        WeakReference<String> ref = strings.get(s);
        String kept = ref == null ? null : ref.get();
        if (kept == null) {
            strings.put(s, new WeakReference<>(s));
            return s;
        }
        return kept;
    }

    /**
     * An unmodifiable copy with shared keys and values, itself shared: the replicas of one workload carry the same
     * labels, and keep one map between them (null stays null: "no labels" is not "empty labels").
     */
    Map<String, String> of(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        WeakReference<Map<String, String>> ref = maps.get(map);
        Map<String, String> kept = ref == null ? null : ref.get();
        if (kept != null) {
            return kept;
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(of(k), of(v)));
        // Map.copyOf is the compact form but refuses nulls; a decoded map with one is kept as it came.
        kept = out.containsKey(null) || out.containsValue(null) ? Collections.unmodifiableMap(out) : Map.copyOf(out);
        maps.put(kept, new WeakReference<>(kept));
        return kept;
    }

    /** An unmodifiable copy with shared elements (null stays null). */
    List<String> of(List<String> list) {
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>(list.size());
        list.forEach(s -> out.add(of(s)));
        return out.contains(null) ? Collections.unmodifiableList(out) : List.copyOf(out);
    }

    /**
     * The same item with shared labels. Its nets are left alone: an address is one endpoint's, and sharing a string
     * nothing else holds only costs the table's entry.
     */
    IpSetItem of(IpSetItem item) {
        return new IpSetItem(of(item.labels()), item.nets(), item.ports());
    }

    /** Distinct strings and label maps kept now (tests). */
    int size() {
        return strings.size() + maps.size();
    }
}
