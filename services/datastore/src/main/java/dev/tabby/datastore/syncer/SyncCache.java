package dev.tabby.datastore.syncer;

import dev.tabby.datastore.KvEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The syncer's record of what its consumer has been told: every live key with its value and
 * mod revision. It decides which watch events are news and, after a re-list, which exact
 * changes bring the consumer up to date. Confined to the syncer thread.
 */
final class SyncCache {

    private Map<String, KvEntry> entries = new HashMap<>();
    private long listRevision;
    private final String ignoredKey;

    /** @param ignoredKey a key never reported (the canary's, in case a prefix covers it) */
    SyncCache(String ignoredKey) {
        this.ignoredKey = ignoredKey;
    }

    /**
     * Applies one watch event; returns the update to deliver, or null when the event is old
     * news: already covered by the last list, not newer than what the consumer has for that
     * key, or a delete of a key the consumer never saw.
     */
    Update apply(WatchedChange change) {
        String key = change.key();
        if (key.equals(ignoredKey) || change.modRevision() <= listRevision) {
            return null;
        }
        KvEntry current = entries.get(key);
        if (current != null && change.modRevision() <= current.modRevision()) {
            return null;
        }
        if (change.deleted()) {
            if (current == null) {
                return null;
            }
            entries.remove(key);
            byte[] previous = change.previousValue() != null ? change.previousValue() : current.value();
            return new Update(Update.Kind.DELETED, key, null, previous, change.modRevision(), false);
        }
        entries.put(key, new KvEntry(key, change.value(), change.createRevision(), change.modRevision()));
        if (current == null) {
            return new Update(Update.Kind.CREATED, key, change.value(), null, change.modRevision(), false);
        }
        byte[] previous = change.previousValue() != null ? change.previousValue() : current.value();
        return new Update(Update.Kind.MODIFIED, key, change.value(), previous, change.modRevision(), false);
    }

    /**
     * Replaces the cache with a fresh list taken at {@code revision} and returns exactly the
     * changes between the two: new keys, keys whose mod revision moved, and keys that vanished
     * (synthetic deletes at {@code revision}). Unchanged keys produce nothing.
     */
    List<Update> replaceWith(List<KvEntry> fresh, long revision) {
        Map<String, KvEntry> next = new HashMap<>(Math.max(16, fresh.size() * 4 / 3 + 1));
        List<Update> updates = new ArrayList<>();
        for (KvEntry entry : fresh) {
            if (entry.key().equals(ignoredKey)) {
                continue;
            }
            next.put(entry.key(), entry);
            KvEntry old = entries.get(entry.key());
            if (old == null) {
                updates.add(new Update(Update.Kind.CREATED, entry.key(), entry.value(), null, entry.modRevision(), true));
            } else if (old.modRevision() != entry.modRevision()) {
                updates.add(new Update(Update.Kind.MODIFIED, entry.key(), entry.value(), old.value(),
                        entry.modRevision(), true));
            }
        }
        for (KvEntry old : entries.values()) {
            if (!next.containsKey(old.key())) {
                updates.add(new Update(Update.Kind.DELETED, old.key(), null, old.value(), revision, true));
            }
        }
        entries = next;
        listRevision = revision;
        return updates;
    }

    /**
     * The consumer did not take these updates (its callback threw, or the syncer failed before
     * handing them over): put each key back the way the consumer last saw it, so that the next
     * {@link #replaceWith} sends it again. Assumes none of them was applied; the kinds re-sent
     * are then exact, and a consumer that applied part of the batch and upserts still converges.
     *
     * <ul>
     * <li>a CREATED the consumer missed: the key is forgotten, so the re-list sends CREATED, or
     * nothing if it is gone by then;
     * <li>a MODIFIED or DELETED it missed: the key is kept with the value the consumer has and
     * an impossible mod revision (-1), so the re-list sends MODIFIED, or DELETED if it is gone.
     * </ul>
     * Only a key's first update in {@code undelivered} counts: it tells what the consumer had.
     */
    void markUndelivered(List<Update> undelivered) {
        Set<String> seen = new HashSet<>();
        for (Update update : undelivered) {
            if (!seen.add(update.key())) {
                continue;
            }
            switch (update.kind()) {
                case CREATED -> entries.remove(update.key());
                case MODIFIED, DELETED -> {
                    byte[] consumerHas = update.previousValue() != null ? update.previousValue()
                            : entries.containsKey(update.key()) ? entries.get(update.key()).value() : new byte[0];
                    entries.put(update.key(), new KvEntry(update.key(), consumerHas, 0, UNDELIVERED));
                }
            }
        }
    }

    /** A mod revision etcd never uses: marks a key the consumer must be told about again. */
    static final long UNDELIVERED = -1;

    long listRevision() {
        return listRevision;
    }

    int size() {
        return entries.size();
    }

    /** A copy, for tests and diagnostics. */
    Map<String, KvEntry> snapshot() {
        return new HashMap<>(entries);
    }
}
