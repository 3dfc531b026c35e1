package dev.tabby.datastore.syncer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Syncer} watches and how it guards the watch.
 *
 * @param syncerId names this syncer in logs and in its canary key; unique per process
 * @param prefixes the key prefixes to mirror; none may contain another (events would double)
 * @param minResyncInterval least time between two re-lists, so a flapping etcd is not hammered
 * @param canaryInterval how often to write the canary key; {@link Duration#ZERO} disables it
 * @param canaryTimeout how long after a canary write its watch event (and an answer on every
 *        watch stream) must have arrived before the watch is declared silent
 * @param canaryPrefix where canary keys live; the key is {@code canaryPrefix + syncerId}
 * @param maxUpdatesPerCallback largest batch given to one {@code onUpdates} call
 * @param listPageSize keys per page when listing
 */
public record SyncerConfig(
        String syncerId,
        List<String> prefixes,
        Duration minResyncInterval,
        Duration canaryInterval,
        Duration canaryTimeout,
        String canaryPrefix,
        int maxUpdatesPerCallback,
        int listPageSize) {

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

    public SyncerConfig {
        Objects.requireNonNull(syncerId, "syncerId");
        Objects.requireNonNull(minResyncInterval, "minResyncInterval");
        Objects.requireNonNull(canaryInterval, "canaryInterval");
        Objects.requireNonNull(canaryTimeout, "canaryTimeout");
        Objects.requireNonNull(canaryPrefix, "canaryPrefix");
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
    }

    /** Defaults: resync at most once a second, canary every 30 s with a 10 s deadline. */
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
                maxUpdatesPerCallback, listPageSize);
    }

    public SyncerConfig withCanary(Duration interval, Duration timeout) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, interval, timeout, canaryPrefix,
                maxUpdatesPerCallback, listPageSize);
    }

    public SyncerConfig withCanaryPrefix(String prefix) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, prefix,
                maxUpdatesPerCallback, listPageSize);
    }

    public SyncerConfig withMaxUpdatesPerCallback(int max) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                max, listPageSize);
    }

    public SyncerConfig withListPageSize(int size) {
        return new SyncerConfig(syncerId, prefixes, minResyncInterval, canaryInterval, canaryTimeout, canaryPrefix,
                maxUpdatesPerCallback, size);
    }
}
