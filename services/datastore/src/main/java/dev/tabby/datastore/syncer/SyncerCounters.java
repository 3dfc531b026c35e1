package dev.tabby.datastore.syncer;

import java.time.Instant;

/**
 * A snapshot of a syncer's counters, for metrics, health reports and tests.
 *
 * @param resyncs re-lists completed after the initial one (watch failures, compaction, silent
 *        watches, overflows, consumer failures, etcd coming back)
 * @param updatesDelivered updates handed to {@link SyncerCallbacks#onUpdates}
 * @param lastRevision the newest etcd revision the consumer is up to date with
 * @param watchFailures watch streams that ended with an error or unexpectedly
 * @param canaryFailures canary rounds that found a silent watch
 * @param status the current status
 * @param probeFailures probes that found etcd unreachable or a watch stream silent
 * @param overflows batches of watch changes turned away because the consumer was too far behind
 *        (the watch then stops queueing and the syncer re-lists instead); counted as they happen
 * @param consumerFailures {@code onUpdates} calls that threw (their updates were re-delivered)
 * @param internalErrors unexpected errors the syncer thread recovered from
 * @param pendingChanges watch changes queued or being delivered right now
 * @param maxPendingChanges the most ever pending at once; never above
 *        {@link SyncerConfig#maxPendingChanges()}
 * @param statusSince when {@code status} last changed
 */
public record SyncerCounters(long resyncs, long updatesDelivered, long lastRevision, long watchFailures,
        long canaryFailures, SyncStatus status, long probeFailures, long overflows, long consumerFailures,
        long internalErrors, int pendingChanges, int maxPendingChanges, Instant statusSince) {
}
