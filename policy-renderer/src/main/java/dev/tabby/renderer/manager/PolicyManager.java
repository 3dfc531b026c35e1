package dev.tabby.renderer.manager;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.ipset.IpsetDriver;
import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.dataplane.iptables.IptablesBackend;
import dev.tabby.dataplane.iptables.IptablesTable;
import dev.tabby.renderer.state.DataplaneChanges;
import dev.tabby.renderer.state.PolicyState;
import dev.tabby.renderer.state.ResourceChange;
import dev.tabby.renderer.state.TableKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Takes the calculation's changes to the kernel, in Felix's order (felix dataplane/linux/int_dataplane.go apply):
 * IP sets created and filled first, so no rule refers to a missing set; then every iptables table, raw, mangle, nat
 * and filter, IPv4 then IPv6, one {@code iptables-restore} each; then the IP sets no longer used are destroyed.
 * Runs on the apply loop's thread only.
 */
public final class PolicyManager {
    private static final Logger LOG = Logger.getLogger(PolicyManager.class);

    private final PolicyState state;
    private final CommandRunner runner;
    private final IpsetDriver ipsets;
    private final Map<TableKey, IptablesTable> tables = new TreeMap<>();
    private IptablesBackend backend;
    private volatile ApplyReport lastApply = ApplyReport.NONE;
    private volatile long restoreCalls;
    private volatile Map<String, Integer> lastRepairs = Map.of();
    private boolean lastOk;

    /** What the last apply did, for the status page and metrics. */
    public record ApplyReport(Instant at, Duration took, int chainsWritten, int setsWritten, int writes, boolean ok,
                              String error) {
        static final ApplyReport NONE = new ApplyReport(null, Duration.ZERO, 0, 0, 0, false, null);
    }

    public PolicyManager(PolicyState state, CommandRunner runner) {
        this.state = state;
        this.runner = runner;
        this.ipsets = new IpsetDriver(runner);
    }

    public PolicyState state() {
        return state;
    }

    /** Records a datastore change; the kernel is written by the next {@link #apply()}. */
    public void onUpdate(ResourceChange change) {
        state.apply(change);
    }

    /** Next apply reads every table and the IP sets from the kernel first: adopts, repairs drift, removes stale. */
    public void queueResync() {
        ipsets.queueResync();
        tables.values().forEach(IptablesTable::queueResync);
    }

    public ApplyResult apply() {
        long start = System.nanoTime();
        var reads = readAhead();
        DataplaneChanges changes = state.flush();
        if (reads != null) {
            adopt(KernelReadAhead.await(reads));
        }
        push(changes);
        configureKernel();
        List<ApplyResult> results = new ArrayList<>();
        Map<String, Integer> writes = new TreeMap<>();
        ApplyResult sets = ipsets.applyUpdates();
        results.add(sets);
        if (sets.ok()) {
            tables.values().forEach(IptablesTable::readIfQueued); // tables new in this apply (IPv6): read before any write
            for (Map.Entry<TableKey, IptablesTable> t : tables.entrySet()) {
                ApplyResult r = t.getValue().apply();
                if (r.writes() > 0 || !r.ok()) {
                    restoreCalls++;
                }
                if (r.writes() > 0) {
                    writes.put(t.getKey().toString(), r.writes());
                }
                results.add(r);
            }
            ApplyResult unused = ipsets.applyDeletions();
            results.add(unused);
            if (sets.writes() + unused.writes() > 0) {
                writes.put("ipsets", sets.writes() + unused.writes());
            }
        }
        ApplyResult all = ApplyResult.merge(results);
        // Writes with nothing changed in the calculation, after an apply that left the kernel right: someone changed
        // our chains or sets, and the read-back found it (a retry after a failure rewrites what failed instead).
        lastRepairs = all.ok() && lastOk && changes.isEmpty() ? Map.copyOf(writes) : Map.of();
        lastOk = all.ok();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        lastApply = new ApplyReport(Instant.now(), took, changes.chainCount(), changes.ipSets.size(), all.writes(),
                all.ok(), all.ok() ? null : all.summary());
        if (all.writes() > 0 || !all.ok()) {
            LOG.infof("event=policy_applied node=%s took_ms=%d chains=%d sets=%d writes=%d ok=%s", state.node(),
                    took.toMillis(), changes.chainCount(), changes.ipSets.size(), all.writes(), all.ok());
        }
        return all;
    }

    /** Starts the kernel reads this apply needs, to run while the calculation does; null when none are due. */
    private java.util.concurrent.CompletableFuture<KernelReadAhead> readAhead() {
        java.util.Set<TableKey> due = new java.util.TreeSet<>();
        if (backend == null) {
            TableKey.TABLES.forEach(t -> due.add(new TableKey(4, t)));
        }
        tables.forEach((k, t) -> {
            if (t.readQueued()) {
                due.add(k);
            }
        });
        if (backend != null && due.isEmpty() && !ipsets.readQueued()) {
            return null;
        }
        return KernelReadAhead.start(runner, backend, state.settings().iptablesBackend(), ipsets.readQueued(), due);
    }

    /** Hands the drivers what was read; a failed read stays queued and fails this apply's write of that table. */
    private void adopt(KernelReadAhead reads) {
        backend = reads.backend();
        if (reads.ipsets() != null) {
            ipsets.adoptRead(reads.ipsets());
        }
        reads.tables().forEach((k, r) -> table(k).adoptRead(r));
    }

    private void push(DataplaneChanges c) {
        c.removedChains.forEach((t, names) -> names.forEach(n -> table(t).removeChain(n)));
        c.chains.forEach((t, byName) -> byName.forEach((n, rules) -> table(t).setChain(n, rules)));
        c.hooks.forEach((t, byBuiltIn) -> byBuiltIn.forEach((b, h) -> table(t).setHooks(b, h.insert(), h.append())));
        c.removedIpSets.forEach(ipsets::removeIpSet);
        c.ipSets.forEach(ipsets::setIpSet);
    }

    /** The IP versions whose forwarding is switched on already. */
    private final java.util.Set<Integer> forwarding = new java.util.HashSet<>();

    /**
     * felix dataplane/linux/int_dataplane.go configureKernel: IPv4 forwarding on, and IPv6 forwarding on for all
     * interfaces once IPv6 is programmed (IPv6 forwards only with {@code conf/all/forwarding}). Through the command
     * runner, so it lands in the namespace the rules go to. A failure is logged and tried again on the next apply.
     */
    private void configureKernel() {
        for (int v : state.ipVersions()) {
            if (forwarding.contains(v)) {
                continue;
            }
            String key = v == 6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward";
            CommandRunner.Result r;
            try {
                r = runner.run(List.of("sysctl", "-q", "-w", key + "=1"), "");
            } catch (IllegalStateException e) {
                r = new CommandRunner.Result(-1, "", e.getMessage());
            }
            if (r.ok()) {
                forwarding.add(v);
                LOG.infof("event=forwarding_enabled node=%s sysctl=%s", state.node(), key);
            } else {
                LOG.errorf("event=forwarding_failed node=%s sysctl=%s problem=\"%s\" action=retry_next_apply", state.node(),
                        key, r.stderr().strip());
            }
        }
    }

    private IptablesTable table(TableKey t) {
        return tables.computeIfAbsent(t, k -> new IptablesTable(runner, backend, k.ipVersion(), k.table()));
    }

    public ApplyReport lastApply() {
        return lastApply;
    }

    /**
     * What the last apply wrote per driver ({@code "iptables filter" -> 2} chains, {@code "ipsets" -> 1}) although the
     * calculation changed nothing: tampering repaired. Empty when there was none.
     */
    public Map<String, Integer> lastRepairs() {
        return lastRepairs;
    }

    public long restoreCalls() {
        return restoreCalls;
    }

    public String backend() {
        return backend == null ? "not yet detected" : backend.name().toLowerCase();
    }
}
