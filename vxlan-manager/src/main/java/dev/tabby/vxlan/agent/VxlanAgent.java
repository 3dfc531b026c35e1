package dev.tabby.vxlan.agent;

import dev.tabby.dataplane.loop.ApplyLoop;
import dev.tabby.dataplane.loop.KernelWatch;
import dev.tabby.dataplane.loop.LoopCounters;
import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.datastore.syncer.Syncer;
import dev.tabby.datastore.syncer.SyncerCallbacks;
import dev.tabby.datastore.syncer.SyncerConfig;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.events.EventSink;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.tunnel.TunnelAddressAllocator;
import dev.tabby.ipam.tunnel.TunnelKind;
import dev.tabby.model.v3.Kind;
import dev.tabby.netlink.Netlink;
import dev.tabby.vxlan.manager.UpdateTranslator;
import dev.tabby.vxlan.manager.VxlanManager;
import dev.tabby.vxlan.manager.VxlanStatus;
import dev.tabby.vxlan.manager.VxlanUpdate;
import dev.tabby.vxlan.plan.VtepMac;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One node's VXLAN service without the HTTP around it: the syncer over pools, nodes, FelixConfigurations and IPAM
 * blocks feeds the {@link VxlanManager} through the {@link ApplyLoop} (which holds every kernel write back until the
 * datastore is in sync, coalesces changes into applies, retries with backoff and resyncs the kernel periodically),
 * and the {@link TunnelAddressAllocator} keeps this node's tunnel address; {@link KernelWatch} turns link and address
 * events of the namespace into immediate repairs. Tests and the benchmark run several in one process, each with its
 * own namespace's {@link Netlink} handle.
 *
 * <p>The caller owns the store and the Netlink handle and closes them after this.
 */
public final class VxlanAgent implements AutoCloseable {
    /** Batches at least this big are decoded in parallel. */
    private static final int PARALLEL_BATCH = 256;

    private final AgentSettings settings;
    private final VxlanManager manager;
    private final ApplyLoop loop;
    private final Syncer syncer;
    private final TunnelAddressAllocator allocator;
    private final KernelWatch kernelWatch;
    private final Netlink netlink;
    private final String ownNodeKey;
    private volatile SyncStatus syncStatus = SyncStatus.WAIT_FOR_DATASTORE;
    private volatile Instant syncStatusSince = Instant.now();

    public VxlanAgent(KeyValueStore store, Netlink netlink, AgentSettings settings) {
        this(store, netlink, settings, EventSink.NONE);
    }

    /** @param events where the manager reports routes, VTEPs, drift repaired and the device recreated */
    public VxlanAgent(KeyValueStore store, Netlink netlink, AgentSettings settings, EventSink events) {
        this.settings = settings;
        this.netlink = netlink;
        this.manager = new VxlanManager(settings.node(), netlink, settings.mtuFile(), events);
        this.loop = new ApplyLoop(settings.loopSettings(), manager::apply, manager::queueResync);
        this.kernelWatch = new KernelWatch(settings.node(), manager, loop);
        this.allocator = settings.allocateTunnelAddress()
                ? new TunnelAddressAllocator(TunnelKind.VXLAN, settings.node(), new ResourceStore(store),
                        new Ipam(store), TunnelKind.fillVxlanMac(VtepMac.derived(settings.node()).toString()))
                : null;
        this.ownNodeKey = ResourceStore.prefix(Kind.NODE, null) + settings.node();
        // The canary key carries the node name: several agents may share one etcd (tests, the testbed).
        SyncerConfig config = SyncerConfig.of("vxlan-" + settings.node(), UpdateTranslator.prefixes());
        this.syncer = new Syncer(store, config, new Callbacks());
    }

    public VxlanAgent start() {
        kernelWatch.start(netlink);
        loop.start();
        syncer.start();
        if (allocator != null) {
            allocator.request();
        }
        return this;
    }

    private final class Callbacks implements SyncerCallbacks {
        @Override
        public void onUpdates(List<Update> updates) {
            // Decoded here, off the loop thread; a big batch (the first list) on every core, in order.
            List<VxlanUpdate> translated = (updates.size() >= PARALLEL_BATCH ? updates.parallelStream() : updates.stream())
                    .map(UpdateTranslator::translate).flatMap(Optional::stream).toList();
            if (!translated.isEmpty()) {
                loop.onUpdate(() -> translated.forEach(manager::onUpdate));
            }
            if (allocator != null
                    && updates.stream().anyMatch(u -> u.key().equals(ownNodeKey) || UpdateTranslator.isPool(u.key()))) {
                allocator.request();
            }
        }

        @Override
        public void onStatus(SyncStatus status) {
            if (status != syncStatus) {
                syncStatusSince = Instant.now();
            }
            syncStatus = status;
            if (status == SyncStatus.IN_SYNC) {
                loop.markInSync();
                if (allocator != null) {
                    allocator.request();
                }
            }
        }
    }

    /** Re-read the kernel on the next turn rather than at the interval. */
    public void requestResync() {
        loop.requestResync();
    }

    public String node() {
        return settings.node();
    }

    public VxlanStatus status() {
        return manager.status();
    }

    /** Kernel writes of the last apply. */
    public int lastApplyWrites() {
        return manager.lastApplyWrites();
    }

    public LoopStatus loopStatus() {
        return loop.status();
    }

    public LoopCounters counters() {
        return loop.counters();
    }

    public SyncStatus syncStatus() {
        return syncStatus;
    }

    /**
     * Ready: the datastore is in sync now (not only once: the syncer leaves IN_SYNC when etcd is unreachable), the last
     * apply wrote everything, and that apply's plan is settled (active, or inactive or disabled on purpose), so the
     * kernel holds what the datastore asks for, as Felix reports ready only after its first dataplane apply completes.
     * An apply made while the node still waits for its tunnel address does not count: the apply that programs the
     * device and its entries must finish first. Losing the datastore only takes readiness down: the kernel keeps what
     * was programmed, and liveness stays up.
     */
    public boolean ready() {
        return syncStatus == SyncStatus.IN_SYNC && loop.status().ready() && manager.programmed();
    }

    /** Why not ready, or "ready". */
    public String reason() {
        if (syncStatus != SyncStatus.IN_SYNC) {
            return "datastore: " + syncStatus + " since " + syncStatusSince;
        }
        LoopStatus s = loop.status();
        if (!s.ready()) {
            return s.reason();
        }
        VxlanStatus v = manager.status();
        if (!v.settled()) {
            return v.state() + ": " + v.reason();
        }
        return manager.programmed() ? "ready" : v.state() + ": the last apply did not write everything yet";
    }

    /** For liveness: the apply loop thread is turning. */
    public boolean turning(Duration stuckAfter) {
        return loop.turning(stuckAfter);
    }

    public Optional<TunnelAddressAllocator> allocator() {
        return Optional.ofNullable(allocator);
    }

    /** Stops watching and applying; leaves the kernel as it is, so a restarted agent adopts it. */
    @Override
    public void close() {
        kernelWatch.close();
        syncer.close();
        if (allocator != null) {
            allocator.close();
        }
        loop.close();
    }
}
