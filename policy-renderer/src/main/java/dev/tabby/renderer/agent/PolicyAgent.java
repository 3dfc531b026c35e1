package dev.tabby.renderer.agent;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.loop.ApplyLoop;
import dev.tabby.dataplane.loop.LoopCounters;
import dev.tabby.dataplane.loop.LoopSettings;
import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.FelixStatusKeys;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.datastore.syncer.Syncer;
import dev.tabby.datastore.syncer.SyncerCallbacks;
import dev.tabby.datastore.syncer.SyncerConfig;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.renderer.manager.PolicyManager;
import dev.tabby.renderer.state.Layout;
import dev.tabby.renderer.state.PolicyState;
import dev.tabby.renderer.state.ResourceChange;
import dev.tabby.renderer.state.UpdateTranslator;
import dev.tabby.renderer.status.ActiveStatusReport;
import dev.tabby.renderer.status.EndpointStatusReporter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One node's policy renderer without the HTTP around it: the syncer over endpoints, policies, profiles, network sets,
 * pools, nodes and FelixConfigurations feeds the {@link PolicyState} through the {@link ApplyLoop} (no kernel write
 * before the datastore is in sync; changes coalesced into applies; failures retried with backoff), the
 * {@link PolicyManager} writes the difference, a refresher re-reads the kernel every {@code iptablesRefreshInterval}
 * to repair tampering, and the endpoints' statuses and the node's liveness report go to etcd as Felix writes them.
 */
public final class PolicyAgent implements AutoCloseable {
    private final AgentSettings settings;
    private final PolicyManager manager;
    private final ApplyLoop loop;
    private final Syncer syncer;
    private final EndpointStatusReporter endpointStatus;
    private final ActiveStatusReport liveness;
    private final ScheduledExecutorService timers;
    private volatile SyncStatus syncStatus = SyncStatus.WAIT_FOR_DATASTORE;
    private volatile Instant syncStatusSince = Instant.now();
    private volatile Instant lastRefresh = Instant.now();
    private volatile Map<String, EndpointView> endpoints = Map.of();
    private volatile Counts counts = new Counts(0, Map.of(), 0, Map.of(), List.of());

    /**
     * The calculation's sizes after the last apply, taken on the loop thread (the state itself is not thread-safe).
     *
     * @param rules rules per table, e.g. "iptables filter" -> 120
     */
    public record Counts(int chains, Map<String, Integer> rules, int ipSets, Map<String, List<String>> renderProblems,
                         List<String> felixConfigurationProblems) {
    }

    /** One local endpoint as the status page shows it. */
    public record EndpointView(String name, String kind, String interfaceName, List<String> ingressPolicies,
                               List<String> egressPolicies, List<String> profiles, String statusKey) {
    }

    public PolicyAgent(KeyValueStore store, AgentSettings settings) {
        this.settings = settings;
        this.manager = new PolicyManager(new PolicyState(settings.node(), new Layout(),
                dev.tabby.renderer.manager.Features.randomFully(settings.runner())), settings.runner());
        // The loop's own periodic resync is off (a day); the refresher below follows iptablesRefreshInterval.
        this.loop = new ApplyLoop(LoopSettings.defaults("policy-" + settings.node()).withResyncInterval(Duration.ofDays(1)),
                this::applyAndReport, manager::queueResync);
        this.syncer = new Syncer(store, SyncerConfig.of("policy-" + settings.node(), UpdateTranslator.prefixes()),
                new Callbacks());
        this.endpointStatus = new EndpointStatusReporter(store, settings.node());
        this.liveness = new ActiveStatusReport(store, settings.node());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tabby-policy-timers");
            t.setDaemon(true);
            return t;
        });
    }

    public PolicyAgent start() {
        endpointStatus.start();
        loop.start();
        syncer.start();
        timers.scheduleWithFixedDelay(this::refreshIfDue, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(liveness::report, 0, ActiveStatusReport.INTERVAL.toSeconds(), TimeUnit.SECONDS);
        return this;
    }

    private final class Callbacks implements SyncerCallbacks {
        @Override
        public void onUpdates(List<Update> updates) {
            List<ResourceChange> changes = updates.stream().map(UpdateTranslator::translate).flatMap(Optional::stream)
                    .toList();
            if (!changes.isEmpty()) {
                loop.onUpdate(() -> changes.forEach(manager::onUpdate));
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
            }
        }
    }

    /** Interface states as last read; re-read when an endpoint's status may change (see {@link #linksDue}). */
    private volatile Map<String, Boolean> links = Map.of();
    /** Some local endpoint is down: an apply each second re-reads the links until it is up. */
    private volatile boolean anyDown;
    /** The local workloads' interfaces, for the link watch on the timer thread. */
    private volatile List<String> localIfaces = List.of();

    /**
     * Each second, while this node has workloads: an interface of one that went up or down since the last apply
     * triggers an apply, which reports the new status (Felix follows link events; this polls `ip -o link`).
     */
    private void watchLinks() {
        if (anyDown) {
            loop.markDirty();
            return;
        }
        List<String> ifaces = localIfaces;
        if (ifaces.isEmpty()) {
            return;
        }
        Map<String, Boolean> known = links;
        dev.tabby.renderer.manager.LinkStates.read(settings.runner()).ifPresent(now -> {
            for (String i : ifaces) {
                if (!now.getOrDefault(i, false).equals(known.getOrDefault(i, false))) {
                    links = now;
                    loop.markDirty();
                    return;
                }
            }
        });
    }
    private long linksReadAtResync = -1;

    /**
     * On the loop thread: one apply, then each local endpoint's status as Felix reports it: {@code up} once its
     * policy is in place and its interface is up, {@code down} while its interface is missing or down (the CNI ADD
     * keeps waiting), the previous status while applies fail.
     */
    private ApplyResult applyAndReport() {
        ApplyResult r = manager.apply();
        PolicyState s = manager.state();
        Map<String, String> written = endpointStatus.written();
        if (linksDue(s, written)) {
            dev.tabby.renderer.manager.LinkStates.read(settings.runner()).ifPresent(l -> links = l);
            linksReadAtResync = loop.counters().resyncs();
        }
        Map<String, EndpointView> views = new HashMap<>();
        Map<String, String> statuses = new HashMap<>();
        for (Map.Entry<String, WorkloadEndpoint> e : s.localWorkloads().entrySet()) {
            WorkloadEndpoint w = e.getValue();
            String key = FelixStatusKeys.forWorkloadEndpoint(w.metadata().namespace(), w.metadata().name()).orElseThrow();
            views.put(e.getKey(), view(e.getKey(), "WorkloadEndpoint", w.spec().interfaceName(), key, s));
            boolean ifaceUp = links.getOrDefault(w.spec().interfaceName(), false);
            statuses.put(key, r.ok() ? (ifaceUp ? "up" : "down") : written.getOrDefault(key, "down"));
        }
        for (Map.Entry<String, HostEndpoint> e : s.localHosts().entrySet()) {
            HostEndpoint h = e.getValue();
            String key = FelixStatusKeys.hostEndpointStatus(s.node(), h.metadata().name());
            views.put(e.getKey(), view(e.getKey(), "HostEndpoint", h.spec().interfaceName(), key, s));
            statuses.put(key, r.ok() ? "up" : written.getOrDefault(key, "down"));
        }
        endpoints = Map.copyOf(views);
        anyDown = statuses.containsValue("down");
        localIfaces = s.localWorkloads().values().stream().map(w -> w.spec().interfaceName()).toList();
        Map<String, Integer> rules = new java.util.TreeMap<>();
        s.ruleCounts().forEach((t, n) -> rules.put(t.toString(), n));
        counts = new Counts(s.chainCount(), rules, s.ipSetCount(), s.renderProblems(), s.settings().problems());
        endpointStatus.offer(statuses);
        return r;
    }

    /**
     * Links are read when some local workload's status is not settled yet (new, or down), or after a kernel resync
     * (the refresh interval), so steady-state applies (IP set changes) spawn no extra process.
     */
    private boolean linksDue(PolicyState s, Map<String, String> written) {
        if (loop.counters().resyncs() != linksReadAtResync) {
            return true;
        }
        for (WorkloadEndpoint w : s.localWorkloads().values()) {
            String key = FelixStatusKeys.forWorkloadEndpoint(w.metadata().namespace(), w.metadata().name()).orElse("");
            if (!"up".equals(written.get(key)) || !links.getOrDefault(w.spec().interfaceName(), false)) {
                return true;
            }
        }
        return false;
    }

    private static EndpointView view(String key, String kind, String iface, String statusKey, PolicyState s) {
        var res = s.resolution(key);
        List<String> in = res == null ? List.of() : Layout.names(res.ingress());
        List<String> out = res == null ? List.of() : Layout.names(res.egress());
        return new EndpointView(key.substring(key.indexOf('/') + 1), kind, iface, in, out,
                res == null ? List.of() : res.profiles(), statusKey);
    }

    private void refreshIfDue() {
        watchLinks();
        Duration every = manager.state().settings().iptablesRefreshInterval();
        if (!every.isZero() && Duration.between(lastRefresh, Instant.now()).compareTo(every) >= 0) {
            lastRefresh = Instant.now();
            loop.requestResync();
        }
    }

    public String node() {
        return settings.node();
    }

    public PolicyManager manager() {
        return manager;
    }

    public Map<String, EndpointView> endpoints() {
        return endpoints;
    }

    public Counts counts() {
        return counts;
    }

    public Map<String, String> endpointStatuses() {
        return endpointStatus.written();
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

    /** Ready: in sync with the datastore now, and the last apply wrote everything. */
    public boolean ready() {
        return syncStatus == SyncStatus.IN_SYNC && loop.status().ready();
    }

    public String reason() {
        if (syncStatus != SyncStatus.IN_SYNC) {
            return "datastore: " + syncStatus + " since " + syncStatusSince;
        }
        LoopStatus s = loop.status();
        return s.ready() ? "ready" : s.reason();
    }

    public boolean turning(Duration stuckAfter) {
        return loop.turning(stuckAfter);
    }

    public void requestResync() {
        loop.requestResync();
    }

    /** Stops watching and applying; leaves the kernel as it is, so a restarted renderer adopts it. */
    @Override
    public void close() {
        timers.shutdownNow();
        syncer.close();
        loop.close();
        endpointStatus.close();
    }
}
