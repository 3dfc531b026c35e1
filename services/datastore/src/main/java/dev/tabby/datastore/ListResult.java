package dev.tabby.datastore;

import java.util.List;

/**
 * The keys under a prefix, in key order, all as of one etcd revision. Watching from
 * {@code revision + 1} misses nothing and repeats nothing.
 */
public record ListResult(List<KvEntry> entries, long revision) {

    public ListResult {
        entries = List.copyOf(entries);
    }
}
