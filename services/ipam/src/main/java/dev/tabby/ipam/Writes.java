package dev.tabby.ipam;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys one IPAM step changes, each guarded by the mod revision it was read at (0: must not exist). They are
 * committed as one etcd transaction: all of them or none.
 */
final class Writes {

    record Write(String key, long expectedModRevision, byte[] value) {
        boolean isDelete() {
            return value == null;
        }
    }

    private final List<Write> writes = new ArrayList<>();

    /** Creates the key ({@code expectedModRevision} 0) or replaces it if still at that revision. */
    Writes put(String key, byte[] value, long expectedModRevision) {
        writes.add(new Write(key, expectedModRevision, value));
        return this;
    }

    Writes delete(String key, long expectedModRevision) {
        if (expectedModRevision <= 0) {
            throw new IllegalArgumentException("delete of " + key + " needs the mod revision it was read at");
        }
        writes.add(new Write(key, expectedModRevision, null));
        return this;
    }

    List<Write> list() {
        return List.copyOf(writes);
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }
}
