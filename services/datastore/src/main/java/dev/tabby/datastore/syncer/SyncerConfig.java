package dev.tabby.datastore.syncer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Syncer} watches and how it guards the watch.
 *
 * @param syncerId names this syncer in logs and in its canary key; unique per process
 * @param prefixes the key prefixes to mirror; none may contain another (events would double)
 * @param minResyncInterval least time between two re-lists, so a flapping etcd is not hammered; also the first
 *        step of the retry back-off while etcd is away
 * @param canaryInterval how often to write the canary key; {@link Duration#ZERO} disables it
 * @param canaryTimeout how long after a canary write its watch event (and an answer on every
 *        watch stream) must have arrived before the watch is declared silent
 * @param canaryPrefix where canary keys live; the key is {@code canaryPrefix + syncerId}
 * @param maxUpdatesPerCallback largest batch given to one {@code onUpdates} call
 * @param listPageSize keys per page when listing
 * @param probeInterval how often, while IN_SYNC, the syncer asks etcd a cheap read and every watch stream for a
 *        progress notification, to learn within seconds that etcd is gone
 * @param probeTimeout how long a probe may go unanswered before etcd counts as unreachable (and the status leaves
 *        IN_SYNC); time the syncer spends inside consumer callbacks does not count
 * @param maxRetryInterval the longest pause between attempts to reach etcd again while it is away (the pause starts
 *        at {@code minResyncInterval} and doubles); bounds how long recovery takes once etcd is back
 * @param maxPendingChanges most watch changes waiting for (or being handed to) the consumer; beyond it the watch
 *        stops queueing and the syncer re-lists instead, so memory stays bounded under a slow consumer
 * @param enqueueTimeout how long a watch callback (a jetcd thread) waits for room in the queue before it gives up
 *        and marks its watch overflowed; keep it well under Vert.x's 2 s blocked-thread warning
 */
public record SyncerConfig(
        String syncerId,
        List<String> prefixes,
        Duration minResyncInterval,
        Duration canaryInterval,
        Duration canaryTimeout,
        String canaryPrefix,
        int maxUpdatesPerCallback,
        int listPageSize,
        Duration probeInterval,
        Duration probeTimeout,
        Duration maxRetryInterval,
        int maxPendingChanges,
        Duration enqueueTimeout) {

    public static final Duration DEFAULT_MIN_RESYNC_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CANARY_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CANARY_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_CANARY_PREFIX = "/tabby/canary/";
    /**
     * A syncer lists whole prefixes of small values (a Node ~0.2 KB, an empty /26 IPAM block ~0.7 KB), often a
     * couple of thousand keys: one round trip for those rather than one per 1,000, and even at 20 KB a value a page
     * stays under the client's 64 MB message limit.
     */
    public static final int DEFAULT_LIST_PAGE_SIZE = 2_500;
    /**
     * Probe every 2 s with a 3 s deadline: a dead or hung etcd is noticed within about 2 + 3 s, well inside the
     * 10 s within which a service's readiness must go down. The cost per probe is one point read and one progress
     * request per watch stream.
     */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** Attempts to reach a lost etcd back off 1 s, 2 s, 4 s, then every 5 s: back within ~5 s of etcd's return. */
    public static final Duration DEFAULT_MAX_RETRY_INTERVAL = Duration.ofSeconds(5);
    /** About 10,000 Calico-sized changes (a few MB) may wait for a slow consumer before the syncer re-lists. */
    public static final int DEFAULT_MAX_PENDING_CHANGES = 10_000;
    public static final Duration DEFAULT_ENQUEUE_TIMEOUT = Duration.ofMillis(500);

    public SyncerConfig {
        Objects.requireNonNull(syncerId, "syncerId");
        Objects.requireNonNull(minResyncInterval, "minResyncInterval");
        Objects.requireNonNull(canaryInterval, "canaryInterval");
        Objects.requireNonNull(canaryTimeout, "canaryTimeout");
        Objects.requireNonNull(canaryPrefix, "canaryPrefix");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        Objects.requireNonNull(maxRetryInterval, "maxRetryInterval");
        Objects.requireNonNull(enqueueTimeout, "enqueueTimeout");
        prefixes = List.copyOf(prefixes);
        if (syncerId.isBlank() || syncerId.contains("/")) {
            throw new IllegalArgumentException("syncerId '" + syncerId + "' must be non-blank and contain no '/'");
        }
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("syncer " + syncerId + " needs at least one prefix to watch");
        }
        for (String a : prefixes) {
            for (String b : prefixes) {
                if (a != b && b.startsWith(a)) {
                    throw new IllegalArgumentException("syncer " + syncerId + ": prefix " + a + " contains prefix " + b
                            + "; watch only the outer one");
                }
            }
        }
        if (canaryTimeout.isNegative() || canaryTimeout.isZero()) {
            throw new IllegalArgumentException("canaryTimeout must be positive");
        }
        if (maxUpdatesPerCallback < 1 || listPageSize < 1) {
            throw new IllegalArgumentException("maxUpdatesPerCallback and listPageSize must be positive");
        }
        if (!positive(probeInterval) || !positive(probeTimeout) || !positive(maxRetryInterval)
                || !positive(minResyncInterval) || enqueueTimeout.isNegative()) {
            throw new IllegalArgumentException("syncer " + syncerId + ": minResyncInterval, probeInterval, probeTimeout"
                    + " and maxRetryInterval must be positive, enqueueTimeout not negative");
        }
        if (maxPendingChanges < 1) {
            throw new IllegalArgumentException("syncer " + syncerId + ": maxPendingChanges must be positive, got "
                    + maxPendingChanges);
        }
    }

    /** The configuration before probing and backpressure existed; those take their defaults. */
    public SyncerConfig(String syncerId, List<String> prefixes, Duration minResyncInterval, Duration canaryInterval,
            Duration canaryTimeout, String canaryPrefix, int maxUpdatesPerCallback, int listPageSize) {
        this(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize, DEFAULT_PROBE_INTERVAL, DEFAULT_PROBE_TIMEOUT,
                DEFAULT_MAX_RETRY_INTERVAL, DEFAULT_MAX_PENDING_CHANGES, DEFAULT_ENQUEUE_TIMEOUT);
    }

    /**
     * Defaults: resync at most once a second, probe etcd every 2 s (3 s deadline), canary every 30 s with a 10 s
     * deadline, retry a lost etcd backing off to every 5 s, at most 10,000 changes waiting for the consumer.
     */
    public static SyncerConfig of(String syncerId, List<String> prefixes) {
        return new SyncerConfig(syncerId, prefixes, DEFAULT_MIN_RESYNC_INTERVAL, DEFAULT_CANARY_INTERVAL,
                DEFAULT_CANARY_TIMEOUT, DEFAULT_CANARY_PREFIX, 1000, DEFAULT_LIST_PAGE_SIZE);
    }

    public String canaryKey() {
        return canaryPrefix + syncerId;
    }

    public boolean canaryEnabled() {
        return !canaryInterval.isZero();
    }

    public SyncerConfig withMinResyncInterval(Duration interval) {
        return new SyncerConfig(syncerId, prefixes, interval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize, probeInterval, probeTimeout, maxRetryInterval, maxPendingChanges,
                enqueueTimeout);
    }

    public SyncerConfig withCanary(Duration interval, Duration timeout) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, interval, timeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize, probeInterval, probeTimeout, maxRetryInterval, maxPendingChanges,
                enqueueTimeout);
    }

    public SyncerConfig withCanaryPrefix(String prefix) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, prefix,
                maxUpdatesPerCallback, listPageSize, probeInterval, probeTimeout, maxRetryInterval, maxPendingChanges,
                enqueueTimeout);
    }

    public SyncerConfig withMaxUpdatesPerCallback(int max) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                max, listPageSize, probeInterval, probeTimeout, maxRetryInterval, maxPendingChanges, enqueueTimeout);
    }

    public SyncerConfig withListPageSize(int size) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, size, probeInterval, probeTimeout, maxRetryInterval, maxPendingChanges,
                enqueueTimeout);
    }

    public SyncerConfig withProbe(Duration interval, Duration timeout) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize, interval, timeout, maxRetryInterval, maxPendingChanges,
                enqueueTimeout);
    }

    public SyncerConfig withMaxRetryInterval(Duration interval) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize, probeInterval, probeTimeout, interval, maxPendingChanges,
                enqueueTimeout);
    }

    public SyncerConfig withMaxPendingChanges(int max, Duration waitForRoom) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize, probeInterval, probeTimeout, maxRetryInterval, max, waitForRoom);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
