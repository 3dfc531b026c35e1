package dev.tabby.bgpspeaker.config;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.datastore.syncer.Syncer;
import dev.tabby.datastore.syncer.SyncerCallbacks;
import dev.tabby.datastore.syncer.SyncerConfig;
import dev.tabby.datastore.syncer.Update;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Follows the datastore for one node's BGP configuration: a {@link Syncer} over BGPConfigurations, Nodes, BGPPeers,
 * IPPools, WorkloadEndpoints and this node's block affinities keeps a {@link ResourceCache}; once the syncer is in
 * sync, each burst of changes (gathered for {@code coalesce}) is turned into a {@link NodeBgpConfig}, handed to the
 * consumer when it differs from the last one handed over. While the syncer is not in sync (first list, or a re-list
 * after losing etcd), nothing is handed over: a half-listed datastore would withdraw routes that still exist, as
 * confd waits for its syncer before rendering (client.go OnSyncChange).
 *
 * <p>The consumer runs on this watcher's own thread, one call at a time. If it throws, the same configuration is
 * offered again a second later.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigWatcher.class);
    public static final Duration DEFAULT_COALESCE = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String node;
    private final NodeBgpConfigBuilder builder;
    private final Consumer<NodeBgpConfig> consumer;
    private final Duration coalesce;
    private final Syncer syncer;
    private final ScheduledExecutorService executor;
    private final Object lock = new Object();
    private final ResourceCache cache; // guarded by lock
    private boolean scheduled; // guarded by lock
    private boolean closed; // guarded by lock
    private volatile SyncStatus status = SyncStatus.WAIT_FOR_DATASTORE;
    private volatile boolean syncedOnce;
    private volatile NodeBgpConfig current;

    /**
     * @param store           the caller's; it closes it after this
     * @param node            this node's name
     * @param routerIdSetting calico-node's CALICO_ROUTER_ID (null, an IPv4 address, or "hash")
     * @param coalesce        how long to gather changes before computing the configuration again
     * @param consumer        gets every new configuration
     */
    public ConfigWatcher(KeyValueStore store, String node, String routerIdSetting, Duration coalesce,
                         Consumer<NodeBgpConfig> consumer) {
        this.node = node;
        this.builder = new NodeBgpConfigBuilder(node, routerIdSetting);
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.coalesce = coalesce.isNegative() ? Duration.ZERO : coalesce;
        this.cache = new ResourceCache(node);
        // The canary key carries the node name: several nodes' speakers may share one etcd (tests, the testbed).
        this.syncer = new Syncer(store, SyncerConfig.of("bgp-speaker-" + node, cache.prefixes()), new Callbacks());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bgp-config-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    public ConfigWatcher(KeyValueStore store, String node, Consumer<NodeBgpConfig> consumer) {
        this(store, node, null, DEFAULT_COALESCE, consumer);
    }

    public ConfigWatcher start() {
        syncer.start();
        return this;
    }

    /** In sync with the datastore now (not only once: a lost etcd takes this down until the re-list completes). */
    public boolean inSync() {
        return status == SyncStatus.IN_SYNC;
    }

    public SyncStatus syncStatus() {
        return status;
    }

    /** Has a complete snapshot been seen at least once. */
    public boolean syncedOnce() {
        return syncedOnce;
    }

    /** The configuration last handed to the consumer. */
    public Optional<NodeBgpConfig> current() {
        return Optional.ofNullable(current);
    }

    private final class Callbacks implements SyncerCallbacks {
        @Override
        public void onUpdates(List<Update> updates) {
            synchronized (lock) {
                updates.forEach(cache::apply);
            }
            if (status == SyncStatus.IN_SYNC) {
                schedule(coalesce);
            }
        }

        @Override
        public void onStatus(SyncStatus newStatus) {
            if (newStatus != status) {
                LOG.infof("event=datastore_status node=%s status=%s", node, newStatus);
            }
            status = newStatus;
            if (newStatus == SyncStatus.IN_SYNC) {
                syncedOnce = true;
                // A complete snapshot: nothing more to gather, so build it now (the coalescing is for changes that
                // come one by one; at start it only delayed readiness by its 200 ms).
                schedule(Duration.ZERO);
            }
        }
    }

    private void schedule(Duration delay) {
        synchronized (lock) {
            if (scheduled || closed) {
                return;
            }
            scheduled = true;
            executor.schedule(this::rebuild, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild() {
        DatastoreSnapshot snapshot;
        synchronized (lock) {
            scheduled = false;
            if (closed || status != SyncStatus.IN_SYNC) {
                return; // the return to IN_SYNC schedules again
            }
            snapshot = cache.snapshot();
        }
        NodeBgpConfig next;
        try {
            next = builder.build(snapshot);
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=bgp_config_failed node=%s problem=\"%s\"", node, e.getMessage());
            return;
        }
        NodeBgpConfig previous = current;
        if (next.equals(previous)) {
            return;
        }
        for (String w : next.warnings()) {
            if (previous == null || !previous.warnings().contains(w)) {
                LOG.warnf("event=bgp_config_problem node=%s problem=\"%s\"", node, w);
            }
        }
        try {
            consumer.accept(next);
            current = next;
            LOG.infof("event=bgp_config_changed node=%s router_id=%s local_as=%d peers=%d skipped=%d originations=%d",
                    node, next.routerId(), next.localAs(), next.peers().size(), next.skipped().size(),
                    next.originations().size());
        } catch (RuntimeException e) {
            LOG.errorf(e, "event=bgp_config_not_taken node=%s problem=\"%s\" retry_in=%s", node, e.getMessage(), RETRY);
            schedule(RETRY);
        }
    }

    /** Stops watching; the consumer is not called after this returns (except for a call already under way). */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        syncer.close();
        executor.shutdown(); // a consumer call under way finishes; a pending rebuild sees closed and returns
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
