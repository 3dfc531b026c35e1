package dev.tabby.bgp.rib;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Hands out one shared instance per distinct {@link PathAttributes}, so 100,000 prefixes announced with one path
 * hold 100,000 references to one object rather than 100,000 copies (BIRD does the same with its rta cache). Entries
 * go when no route holds them any more (weak keys and values). Not thread-safe: one RIB owns one interner.
 */
public final class AttributeInterner {
    private final Map<PathAttributes, WeakReference<PathAttributes>> shared = new WeakHashMap<>();

    public PathAttributes intern(PathAttributes attributes) {
        WeakReference<PathAttributes> ref = shared.get(attributes);
        PathAttributes existing = ref == null ? null : ref.get();
        if (existing != null) {
            return existing;
        }
        shared.put(attributes, new WeakReference<>(attributes));
        return attributes;
    }

    /** Distinct attribute sets still held (for tests and metrics). */
    public int size() {
        return shared.size();
    }
}
