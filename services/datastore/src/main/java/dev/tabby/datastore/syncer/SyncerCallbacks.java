package dev.tabby.datastore.syncer;

import java.util.List;

/**
 * What a {@link Syncer} tells its consumer. Both methods are called on the syncer's single
 * thread, in order, never concurrently: a consumer needs no locking of its own. A slow callback
 * delays later deliveries (they queue up) but loses nothing.
 */
public interface SyncerCallbacks {

    /** A batch of changes, in per-key revision order. Never empty. */
    void onUpdates(List<Update> updates);

    /** The syncer's status changed. */
    void onStatus(SyncStatus status);
}
