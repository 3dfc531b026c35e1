package dev.tabby.datastore.syncer;

import dev.tabby.datastore.KvEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The syncer's record of what its consumer has been told: every live key with its mod revision, and nothing else.
 * No values: the consumer keeps what it decoded, and holding each raw value here too cost a service ~1 kB per key
 * (50,000 endpoints at 5,000 nodes ran policy-renderer out of heap, issue 16). The revisions are enough to decide
 * which watch events are news and, after a re-list, which exact changes bring the consumer up to date. Confined to
 * the syncer thread.
 *
 * <p>A re-list goes page by page: {@link #beginList()}, then {@link #listedPage} for each page as it arrives (its
 * creates and modifications can be handed over at once, so no page's raw values outlive it), then
 * {@link #finishList} for the deletes of keys no page named. A list that stops half way (a failure, a newer list)
 * leaves the cache exactly as the consumer was told: the pages it delivered, and no deletes.
 */
final class SyncCache {

    /** What the consumer was told about one key: its revision, and in which list the key was last seen. */
    private static final class Known {
        long modRevision;
        int seenInList;

        Known(long modRevision, int seenInList) {
            this.modRevision = modRevision;
            this.seenInList = seenInList;
        }
    }

    private final Map<String, Known> entries = new HashMap<>();
    private long listRevision;
    private int list;
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
        Known current = entries.get(key);
        if (current != null && change.modRevision() <= current.modRevision) {
            return null;
        }
        if (change.deleted()) {
            if (current == null) {
                return null;
            }
            entries.remove(key);
            return new Update(Update.Kind.DELETED, key, null, change.modRevision(), false);
        }
        if (current == null) {
            entries.put(key, new Known(change.modRevision(), list));
            return new Update(Update.Kind.CREATED, key, change.value(), change.modRevision(), false);
        }
        current.modRevision = change.modRevision();
        return new Update(Update.Kind.MODIFIED, key, change.value(), change.modRevision(), false);
    }

    /** A re-list starts: keys its pages do not name are deleted by {@link #finishList}. */
    void beginList() {
        list++;
    }

    /**
     * One page of the current list: returns its news (new keys, keys whose mod revision moved) and records them as
     * told. Unchanged keys produce nothing.
     */
    List<Update> listedPage(List<KvEntry> page) {
        List<Update> updates = new ArrayList<>();
        for (KvEntry entry : page) {
            String key = entry.key();
            if (key.equals(ignoredKey)) {
                continue;
            }
            Known old = entries.get(key);
            if (old == null) {
                entries.put(key, new Known(entry.modRevision(), list));
                updates.add(new Update(Update.Kind.CREATED, key, entry.value(), entry.modRevision(), true));
            } else {
                old.seenInList = list;
                if (old.modRevision != entry.modRevision()) {
                    old.modRevision = entry.modRevision();
                    updates.add(new Update(Update.Kind.MODIFIED, key, entry.value(), entry.modRevision(), true));
                }
            }
        }
        return updates;
    }

    /**
     * The current list is complete at {@code revision}: forgets, and returns deletes (synthetic, at {@code revision})
     * for, the keys none of its pages named.
     */
    List<Update> finishList(long revision) {
        List<Update> deletes = new ArrayList<>();
        for (Iterator<Map.Entry<String, Known>> it = entries.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Known> e = it.next();
            if (e.getValue().seenInList != list) {
                deletes.add(new Update(Update.Kind.DELETED, e.getKey(), null, revision, true));
                it.remove();
            }
        }
        listRevision = revision;
        return deletes;
    }

    /** A whole list at once (tests): {@link #beginList}, one page, {@link #finishList}. */
    List<Update> replaceWith(List<KvEntry> fresh, long revision) {
        beginList();
        List<Update> updates = listedPage(fresh);
        updates.addAll(finishList(revision));
        return updates;
    }

    /**
     * The consumer did not take these updates (its callback threw, or the syncer failed before
     * handing them over): put each key back the way the consumer last saw it, so that the next
     * re-list sends it again. Assumes none of them was applied; the kinds re-sent are then exact,
     * and a consumer that applied part of the batch and upserts still converges.
     *
     * <ul>
     * <li>a CREATED the consumer missed: the key is forgotten, so the re-list sends CREATED, or
     * nothing if it is gone by then;
     * <li>a MODIFIED or DELETED it missed: the key is kept with an impossible mod revision (-1),
     * so the re-list sends MODIFIED, or DELETED if it is gone.
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
                    // Seen in the current list: a list that is still running must not delete it for not naming it.
                    entries.put(update.key(), new Known(UNDELIVERED, list));
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

    /** Each key's mod revision as the consumer was told it: a copy, for tests and diagnostics. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new HashMap<>();
        entries.forEach((k, v) -> copy.put(k, v.modRevision));
        return copy;
    }
}
