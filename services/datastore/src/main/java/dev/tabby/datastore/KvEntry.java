package dev.tabby.datastore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One key as stored in etcd. {@code modRevision} is what compare-and-swap updates and deletes
 * must quote. The value array is shared, not copied: treat it as read-only.
 */
public record KvEntry(String key, byte[] value, long createRevision, long modRevision) {

    public KvEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvEntry other && key.equals(other.key) && createRevision == other.createRevision
                && modRevision == other.modRevision && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, createRevision, modRevision) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KvEntry[key=" + key + ", bytes=" + value.length + ", createRevision=" + createRevision
                + ", modRevision=" + modRevision + "]";
    }
}
