package dev.tabby.cni.plugin;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per container interface, made when a call for it arrives and dropped when the last call for it is done.
 * Calls for the same container wait for each other; a call never waits for another container's, however long that
 * one takes (a slow delegated IPAM plugin, a slow etcd).
 */
final class ContainerLocks {
    /** Unlocks on close: {@code try (ContainerLocks.Held h = locks.lock(key)) { ... }}. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        /** Calls holding or waiting for {@link #lock}; changed only inside the map's compute, so atomically per key. */
        int users;
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    Held lock(String key) {
        Entry e = entries.compute(key, (k, v) -> {
            Entry entry = v == null ? new Entry() : v;
            entry.users++;
            return entry;
        });
        e.lock.lock();
        return () -> {
            e.lock.unlock();
            entries.computeIfPresent(key, (k, v) -> --v.users == 0 ? null : v);
        };
    }

    /** Containers with a call in progress or waiting. */
    int size() {
        return entries.size();
    }
}
