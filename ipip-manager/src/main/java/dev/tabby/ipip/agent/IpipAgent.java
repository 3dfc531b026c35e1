package dev.tabby.ipip.agent;

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
import dev.tabby.ipip.manager.IpipManager;
import dev.tabby.ipip.manager.IpipStatus;
import dev.tabby.ipip.manager.IpipUpdate;
import dev.tabby.ipip.manager.UpdateTranslator;
import dev.tabby.model.v3.Kind;
import dev.tabby.netlink.Netlink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One node's IP-in-IP service without the HTTP around it: the syncer over pools, nodes, FelixConfigurations, IPAM
 * blocks and this node's route claim feeds the {@link IpipManager} through the {@link ApplyLoop} (no kernel write
 * before the datastore is in sync; changes coalesced; retries with backoff; periodic resync), the
 * {@link TunnelAddressAllocator} keeps this node's {@code ipv4IPIPTunnelAddr}, and {@link KernelWatch} turns link
 * and address events into immediate repairs. The caller owns the store and the Netlink handle.
 */
public final class IpipAgent implements AutoCloseable {
    private static final int PARALLEL_BATCH = 256;

    private final AgentSettings settings;
    private final IpipManager manager;
    private final ApplyLoop loop;
    private final Syncer syncer;
    private final TunnelAddressAllocator allocator;
    private final KernelWatch kernelWatch;
    private final Netlink netlink;
    private final String ownNodeKey;
    private volatile SyncStatus syncStatus = SyncStatus.WAIT_FOR_DATASTORE;
    private volatile Instant syncStatusSince = Instant.now();

    public IpipAgent(KeyValueStore store, Netlink netlink, AgentSettings settings) {
        this(store, netlink, settings, EventSink.NONE);
    }

    /** @param events where the manager reports routes added and removed and drift repaired */
    public IpipAgent(KeyValueStore store, Netlink netlink, AgentSettings settings, EventSink events) {
        this.settings = settings;
        this.netlink = netlink;
        this.manager = new IpipManager(settings.node(), netlink, settings.mtuFile(), events);
        this.loop = new ApplyLoop(settings.loopSettings(), manager::apply, manager::queueResync);
        this.kernelWatch = new KernelWatch(settings.node(), manager, loop);
        this.allocator = settings.allocateTunnelAddress()
                ? new TunnelAddressAllocator(TunnelKind.IPIP, settings.node(), new ResourceStore(store), new Ipam(store))
                : null;
        this.ownNodeKey = ResourceStore.prefix(Kind.NODE, null) + settings.node();
        SyncerConfig config = SyncerConfig.of("ipip-" + settings.node(), UpdateTranslator.prefixes(settings.node()));
        this.syncer = new Syncer(store, config, new Callbacks());
    }

    public IpipAgent start() {
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
            List<IpipUpdate> translated = (updates.size() >= PARALLEL_BATCH ? updates.parallelStream() : updates.stream())
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

    public void requestResync() {
        loop.requestResync();
    }

    public String node() {
        return settings.node();
    }

    public IpipStatus status() {
        return manager.status();
    }

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
     * Ready: the datastore is in sync now, the last apply wrote everything, and that apply's plan is settled (active,
     * or inactive or disabled on purpose), so the kernel holds what the datastore asks for, as Felix reports ready only
     * after its first dataplane apply completes (Felix v3.18 dataplane/linux/int_dataplane.go, doneFirstApply). An
     * apply made while the node waits for its tunnel address does not count: the apply that programs tunl0 and its
     * routes must finish first. Unlike Felix, a later failed apply takes readiness down until one succeeds (the loop's
     * rule, as before).
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
        IpipStatus v = manager.status();
        if (!v.settled()) {
            return v.state() + ": " + v.reason();
        }
        return manager.programmed() ? "ready" : v.state() + ": the last apply did not write everything yet";
    }

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
