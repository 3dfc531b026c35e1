package dev.tabby.datastore.syncer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KvEntry;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncCacheTest {

    private final SyncCache cache = new SyncCache("/tabby/canary/me");

    @Test
    void relistDeliversExactlyTheDifference() {
        cache.replaceWith(List.of(entry("/a", "1", 5), entry("/b", "1", 6), entry("/c", "1", 7)), 10);
        List<Update> diff = cache.replaceWith(List.of(entry("/a", "1", 5), entry("/b", "2", 12),
                entry("/d", "1", 13)), 20);
        diff.sort(Comparator.comparing(Update::key));
        assertEquals(3, diff.size(), diff.toString());
        assertEquals(Update.Kind.MODIFIED, diff.get(0).kind());
        assertEquals("/b", diff.get(0).key());
        assertEquals(Update.Kind.DELETED, diff.get(1).kind());
        assertEquals("/c", diff.get(1).key());
        assertEquals(20, diff.get(1).modRevision(), "a synthetic delete carries the list revision");
        assertTrue(diff.get(1).fromList());
        assertEquals(Update.Kind.CREATED, diff.get(2).kind());
        assertEquals("/d", diff.get(2).key());
    }

    @Test
    void dropsEventsTheConsumerAlreadyHas() {
        cache.replaceWith(List.of(entry("/a", "1", 5)), 10);
        assertNull(cache.apply(put("/a", "old", 5)), "covered by the list");
        assertNull(cache.apply(put("/b", "old", 9)), "older than the list");
        Update fresh = cache.apply(put("/a", "2", 11));
        assertEquals(Update.Kind.MODIFIED, fresh.kind());
        assertNull(cache.apply(put("/a", "2", 11)), "same event twice");
        assertNull(cache.apply(delete("/zzz", 12)), "delete of a key the consumer never saw");
        assertEquals(Update.Kind.DELETED, cache.apply(delete("/a", 13)).kind());
        assertNull(cache.apply(delete("/a", 13)));
        assertEquals(Update.Kind.CREATED, cache.apply(put("/a", "3", 14)).kind());
    }

    @Test
    void neverReportsTheCanaryKey() {
        assertTrue(cache.replaceWith(List.of(entry("/tabby/canary/me", "x", 3)), 10).isEmpty());
        assertNull(cache.apply(put("/tabby/canary/me", "y", 11)));
    }

    @Test
    void updatesTheConsumerDidNotTakeAreSentAgainByTheNextList() {
        cache.replaceWith(List.of(entry("/kept", "1", 5), entry("/gone", "1", 6), entry("/same", "1", 7)), 10);
        // One watch batch the consumer threw on: a create, a modify and a delete, then a second change to /new.
        List<Update> failed = List.of(cache.apply(put("/new", "1", 11)), cache.apply(put("/kept", "2", 12)),
                cache.apply(delete("/gone", 13)), cache.apply(put("/new", "2", 14)));
        cache.markUndelivered(failed);

        // etcd meanwhile: /new and /kept as the failed batch left them, /gone still gone, /same untouched.
        List<Update> diff = cache.replaceWith(List.of(entry("/new", "2", 14), entry("/kept", "2", 12),
                entry("/same", "1", 7)), 20);
        diff.sort(Comparator.comparing(Update::key));
        assertEquals(3, diff.size(), diff.toString());
        assertEquals(Update.Kind.DELETED, diff.get(0).kind(), "the missed delete is sent again");
        assertEquals("/gone", diff.get(0).key());
        assertEquals(Update.Kind.MODIFIED, diff.get(1).kind(), "the consumer still has /kept at 1");
        assertEquals("/kept", diff.get(1).key());
        assertEquals(Update.Kind.CREATED, diff.get(2).kind(), "the consumer never had /new");
        assertEquals("/new", diff.get(2).key());
        assertEquals(14, diff.get(2).modRevision());
    }

    @Test
    void aMissedCreateOfAKeyGoneByTheNextListIsNotReported() {
        cache.replaceWith(List.of(), 10);
        cache.markUndelivered(List.of(cache.apply(put("/brief", "1", 11))));
        assertTrue(cache.replaceWith(List.of(), 20).isEmpty(), "the consumer never had it; nothing to say");
    }

    @Test
    void aListPageByPageDeletesOnlyWhatNoPageNamedAndOnlyOnceComplete() {
        cache.replaceWith(List.of(entry("/a", "1", 5), entry("/b", "1", 6), entry("/c", "1", 7)), 10);
        cache.beginList();
        assertEquals(List.of(), cache.listedPage(List.of(entry("/a", "1", 5))), "unchanged: nothing to say");
        List<Update> second = cache.listedPage(List.of(entry("/c", "2", 15), entry("/d", "1", 16)));
        assertEquals(List.of(Update.Kind.MODIFIED, Update.Kind.CREATED), second.stream().map(Update::kind).toList());
        // A list that stops here (etcd went away) deletes nothing: the next one starts over.
        cache.beginList();
        cache.listedPage(List.of(entry("/c", "2", 15)));
        assertTrue(cache.listedPage(List.of(entry("/d", "1", 16))).isEmpty(), "/d was delivered by the stopped list");
        List<Update> deletes = cache.finishList(20);
        deletes.sort(Comparator.comparing(Update::key));
        assertEquals(List.of("/a", "/b"), deletes.stream().map(Update::key).toList(), "named by no page of the list");
        assertTrue(deletes.stream().allMatch(u -> u.isDelete() && u.modRevision() == 20 && u.fromList()));
        assertEquals(java.util.Map.of("/c", 15L, "/d", 16L), cache.snapshot());
        assertNull(cache.apply(put("/c", "2", 15)), "covered by the list");
    }

    private static KvEntry entry(String key, String value, long rev) {
        return new KvEntry(key, value.getBytes(UTF_8), rev, rev);
    }

    private static WatchedChange put(String key, String value, long rev) {
        return new WatchedChange(false, key, value.getBytes(UTF_8), rev, rev);
    }

    private static WatchedChange delete(String key, long rev) {
        return new WatchedChange(true, key, null, 0, rev);
    }
}
