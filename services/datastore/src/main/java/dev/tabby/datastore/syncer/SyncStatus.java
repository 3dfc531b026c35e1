package dev.tabby.datastore.syncer;

/** Where a {@link Syncer} stands, as Calico's syncers report it. */
public enum SyncStatus {
    /** etcd cannot be listed yet (down, unreachable, refusing us); nothing is known. */
    WAIT_FOR_DATASTORE,
    /** Listing is under way; updates arriving now are part of the snapshot. */
    RESYNC,
    /** The consumer has seen a complete snapshot; what follows are live changes. */
    IN_SYNC
}
