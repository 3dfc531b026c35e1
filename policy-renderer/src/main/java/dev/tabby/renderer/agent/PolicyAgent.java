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
import dev.tabby.renderer.manager.InterfaceSysctls;
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
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One node's policy renderer without the HTTP around it: the syncer over endpoints, policies, profiles, network sets,
 * pools, nodes and FelixConfigurations feeds the {@link PolicyState} through the {@link ApplyLoop} (no kernel write
 * before the datastore is in sync; changes coalesced into applies; failures retried with backoff), the
 * {@link PolicyManager} writes the difference, a refresher re-reads the kernel every {@code iptablesRefreshInterval}
 * to repair tampering, and the endpoints' statuses and the node's liveness report go to etcd as Felix writes them.
 */
public final class PolicyAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PolicyAgent.class);
    private final AgentSettings settings;
    private final PolicyManager manager;
    private final ApplyLoop loop;
    private final Syncer syncer;
    private final EndpointStatusReporter endpointStatus;
    private final ActiveStatusReport liveness;
    private final LinkWatch links;
    private final ScheduledExecutorService timers;
    /** Flow logs (issue 15): started and stopped by the FelixConfiguration annotation, fed after each apply. */
    private final dev.tabby.renderer.flows.FlowLogs flows;
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
        this.links = new LinkWatch(settings.node(), settings.openNetlink(), loop::markDirty);
        this.flows = new dev.tabby.renderer.flows.FlowLogs(settings.node(), settings.runner(),
                new dev.tabby.renderer.flows.KernelSources(settings.netns()),
                new dev.tabby.events.EventHub(FLOW_REPLAY), java.time.Clock.systemUTC());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tabby-policy-timers");
            t.setDaemon(true);
            return t;
        });
    }

    public PolicyAgent start() {
        endpointStatus.start();
        links.start();
        linksRelistedAtResync = loop.counters().resyncs();
        loop.start();
        syncer.start();
        timers.scheduleWithFixedDelay(this::refreshIfDue, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::reportIfDue, 0, 1, TimeUnit.SECONDS);
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

    /** Workload interfaces configured, with the number of the coming-up they were configured for (loop thread). */
    private final Map<String, Long> configuredAt = new HashMap<>();
    /** Workload interfaces whose configuration failed: their endpoints report {@code error}; retried each second. */
    private volatile Set<String> misconfigured = Set.of();
    /** The local endpoints' interfaces, and each host endpoint's, as of the last rebuild of the views (loop thread). */
    private Set<String> watchedInterfaces = Set.of();
    private Map<String, Set<String>> hostIfaces = Map.of();
    private long linksRelistedAtResync;

    /**
     * On the loop thread: one apply, then each local endpoint's status as Felix reports it
     * (dataplane/linux/endpoint_mgr.go calculateWorkloadEndpointStatus): {@code error} while its interface could not
     * be configured, {@code up} once its policy is in place and its interface is up, {@code down} while its interface
     * is missing or down (the CNI ADD keeps waiting); a host endpoint's as {@link #hostEndpointStatus}; the previous
     * status while applies fail.
     */
    private ApplyResult applyAndReport() {
        PolicyState s = manager.state();
        // Host endpoints bound by expectedIPs need this host's addresses, from the same netlink watch.
        boolean byAddress = s.wantsHostInterfaces();
        links.watch(watchedInterfaces, byAddress);
        if (byAddress) {
            s.setHostInterfaces(links.snapshot().addresses());
        }
        ApplyResult r = manager.apply();
        if (r.ok()) {
            updateFlowLogs(s, r.writes() > 0);
        }
        if (loop.counters().resyncs() != linksRelistedAtResync) {
            relistLinks();
            linksRelistedAtResync = loop.counters().resyncs();
        }
        // Endpoints, their interfaces and host bindings change only with what the apply wrote: recomputed then only.
        if (r.writes() > 0 || !r.ok() || endpoints.size() != s.localEndpointCount()) {
            endpoints = views(s);
            hostIfaces = s.localHosts().isEmpty() ? Map.of() : s.hostEndpointInterfaces();
            Set<String> watched = new java.util.HashSet<>();
            endpoints.values().stream().filter(v -> v.kind().equals("WorkloadEndpoint"))
                    .forEach(v -> watched.add(v.interfaceName()));
            hostIfaces.values().forEach(watched::addAll);
            watchedInterfaces = Set.copyOf(watched);
        }
        Map<String, EndpointView> views = endpoints;
        links.watch(watchedInterfaces, byAddress);
        LinkWatch.Snapshot now = links.snapshot(); // after watch(): a change from now on wakes the loop
        Map<String, Long> up = now.upSince();
        configureInterfaces(s, up);
        Map<String, String> written = endpointStatus.written();
        Map<String, String> statuses = new HashMap<>();
        for (Map.Entry<String, EndpointView> e : views.entrySet()) {
            EndpointView v = e.getValue();
            String status;
            if (!r.ok()) {
                status = written.getOrDefault(v.statusKey(), "down");
            } else if (v.kind().equals("HostEndpoint")) {
                status = hostEndpointStatus(hostIfaces.getOrDefault(e.getKey(), Set.of()), now);
            } else if (misconfigured.contains(v.interfaceName())) {
                status = "error";
            } else {
                status = up.containsKey(v.interfaceName()) ? "up" : "down";
            }
            statuses.put(v.statusKey(), status);
        }
        Map<String, Integer> rules = new java.util.TreeMap<>();
        s.ruleCounts().forEach((t, n) -> rules.put(t.toString(), n));
        counts = new Counts(s.chainCount(), rules, s.ipSetCount(), s.renderProblems(), s.settings().problems());
        // endpointReportingEnabled false: no statuses, and those written before are deleted (Felix stops writing them).
        endpointStatus.offer(s.settings().endpointReporting() ? statuses : Map.of());
        events.applied(r, manager.lastRepairs(), views);
        return r;
    }

    /** Endpoints programmed, applies failed and tampering repaired, as events (issue 15); loop thread only. */
    private dev.tabby.renderer.events.PolicyEvents events =
            new dev.tabby.renderer.events.PolicyEvents(dev.tabby.events.EventSink.NONE);

    /** Reports what the applies do to {@code sink}; call before {@link #start()}. */
    public PolicyAgent reportTo(dev.tabby.events.EventSink sink) {
        events = new dev.tabby.renderer.events.PolicyEvents(sink);
        return this;
    }

    /**
     * felix endpoint_mgr.go calculateHostEndpointStatus: {@code up} when one of the interfaces it protects is up
     * ({@code *} counts as up), {@code down} when it protects only interfaces that are down, {@code error} when it
     * resolved to no interface that exists.
     */
    static String hostEndpointStatus(Set<String> interfaces, LinkWatch.Snapshot links) {
        if (interfaces.contains("*") || interfaces.stream().anyMatch(links.upSince()::containsKey)) {
            return "up";
        }
        return interfaces.stream().anyMatch(links.present()::contains) ? "down" : "error";
    }

    private void relistLinks() {
        try {
            links.relist();
        } catch (RuntimeException e) {
            LOG.warnf("event=links_unread node=%s problem=\"%s\" action=retry_at_next_resync", settings.node(),
                    e.getMessage());
        }
    }

    /**
     * Felix configures every interface with a workload prefix each time it comes up (endpoint_mgr.go
     * ResolveUpdateBatch, configureInterface); a failure is retried and shows as the endpoint's {@code error}.
     */
    private void configureInterfaces(PolicyState s, Map<String, Long> up) {
        configuredAt.keySet().retainAll(up.keySet()); // down or gone: configured again when it comes up
        List<String> prefixes = s.settings().statics().workloadInterfacePrefixes();
        List<String> due = up.entrySet().stream()
                .filter(e -> prefixes.stream().anyMatch(e.getKey()::startsWith))
                .filter(e -> !e.getValue().equals(configuredAt.get(e.getKey())))
                .map(Map.Entry::getKey).sorted().toList();
        if (due.isEmpty()) {
            if (!misconfigured.isEmpty()) {
                misconfigured = Set.copyOf(misconfigured.stream().filter(up::containsKey).toList());
            }
            return;
        }
        Set<String> failed = InterfaceSysctls.configure(settings.runner(), due, s.ipVersions());
        due.stream().filter(i -> !failed.contains(i)).forEach(i -> configuredAt.put(i, up.get(i)));
        misconfigured = Set.copyOf(failed);
    }

    private static Map<String, EndpointView> views(PolicyState s) {
        Map<String, EndpointView> views = new HashMap<>();
        for (Map.Entry<String, WorkloadEndpoint> e : s.localWorkloads().entrySet()) {
            WorkloadEndpoint w = e.getValue();
            String key = FelixStatusKeys.forWorkloadEndpoint(w.metadata().namespace(), w.metadata().name()).orElseThrow();
            views.put(e.getKey(), view(e.getKey(), "WorkloadEndpoint", w.spec().interfaceName(), key, s));
        }
        for (Map.Entry<String, HostEndpoint> e : s.localHosts().entrySet()) {
            HostEndpoint h = e.getValue();
            String key = FelixStatusKeys.hostEndpointStatus(s.node(), h.metadata().name());
            views.put(e.getKey(), view(e.getKey(), "HostEndpoint", h.spec().interfaceName(), key, s));
        }
        return Map.copyOf(views);
    }

    private static EndpointView view(String key, String kind, String iface, String statusKey, PolicyState s) {
        var res = s.resolution(key);
        List<String> in = res == null ? List.of() : Layout.names(res.ingress());
        List<String> out = res == null ? List.of() : Layout.names(res.egress());
        return new EndpointView(key.substring(key.indexOf('/') + 1), kind, iface, in, out,
                res == null ? List.of() : res.profiles(), statusKey);
    }

    private Instant lastReport;

    /**
     * Felix's liveness report every {@code reportingInterval}, leased for {@code reportingTTL}; an interval of 0 writes
     * none and withdraws the last. A failed write waits for the next interval, as Felix's does.
     */
    private void reportIfDue() {
        var s = manager.state().settings();
        if (s.reportingInterval().isZero()) {
            liveness.close();
            lastReport = null;
            return;
        }
        Instant now = Instant.now();
        if (lastReport == null || Duration.between(lastReport, now).compareTo(s.reportingInterval()) >= 0) {
            lastReport = now;
            liveness.report(s.reportingTtl());
        }
    }

    private void refreshIfDue() {
        if (!misconfigured.isEmpty()) {
            loop.markDirty(); // the next apply configures the failed interfaces again
        }
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

    /**
     * Flow logs follow the apply; whatever goes wrong in them (a reader that cannot open, a bug) is logged and leaves
     * the policy that was just applied, and the apply loop, as they are: the dataplane never depends on flow logs.
     */
    private void updateFlowLogs(PolicyState s, boolean rendered) {
        try {
            flows.update(s, rendered);
        } catch (RuntimeException | LinkageError e) {
            LOG.errorf("event=flow_logs_update_failed problem=\"%s\"", String.valueOf(e));
        }
    }

    /** Flow records kept for late readers of {@code GET /v1/flows}. */
    static final int FLOW_REPLAY = 4096;

    public dev.tabby.renderer.flows.FlowLogs flows() {
        return flows;
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
        flows.close();
        links.close();
        endpointStatus.close();
        liveness.close();
    }
}
