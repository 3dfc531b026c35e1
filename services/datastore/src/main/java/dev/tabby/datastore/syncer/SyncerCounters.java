package dev.tabby.datastore.syncer;

/**
 * A snapshot of a syncer's counters, for metrics and tests.
 *
 * @param resyncs re-lists completed after the initial one (watch failures, compaction, silent
 *        watches)
 * @param updatesDelivered updates handed to {@link SyncerCallbacks#onUpdates}
 * @param lastRevision the newest etcd revision the consumer is up to date with
 * @param watchFailures watch streams that ended with an error or unexpectedly
 * @param canaryFailures canary rounds that found a silent watch
 * @param status the last status delivered
 */
public record SyncerCounters(long resyncs, long updatesDelivered, long lastRevision, long watchFailures,
        long canaryFailures, SyncStatus status) {
}
