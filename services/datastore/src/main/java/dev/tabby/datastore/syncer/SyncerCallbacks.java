package dev.tabby.datastore.syncer;

import java.util.List;

/**
 * What a {@link Syncer} tells its consumer. Both methods are called on the syncer's single
 * thread, in order, never concurrently: a consumer needs no locking of its own. A slow callback
 * delays later deliveries (they queue up, at most {@link SyncerConfig#maxPendingChanges()} of
 * them; beyond that the syncer re-lists and delivers the difference) but loses nothing.
 *
 * <p>If {@code onUpdates} throws, the syncer assumes none of that batch was applied: the status
 * goes to RESYNC and a re-list delivers those keys again (kinds as the consumer last saw them).
 * If {@code onStatus} throws, it is called again with the then-current status.
 */
public interface SyncerCallbacks {

    /** A batch of changes, in per-key revision order. Never empty. */
    void onUpdates(List<Update> updates);

    /** The syncer's status changed. */
    void onStatus(SyncStatus status);
}
