package dev.tabby.renderer.flows;

import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.events.flows.FlowRecord;
import dev.tabby.netlink.nflog.ConntrackEndView;
import dev.tabby.netlink.nflog.ConntrackEvents;
import dev.tabby.netlink.nflog.NflogPacket;
import dev.tabby.netlink.nflog.NflogView;
import dev.tabby.policy.render.FlowLogRules;
import dev.tabby.policy.render.FlowPolicyNames;
import dev.tabby.policy.render.VerdictPrefix;
import dev.tabby.renderer.state.PolicyState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Flow logs on one node: while FelixConfiguration {@code default} switches them on, a thread reads the verdicts the
 * NFLOG rules log ({@link FlowLogRules}), a second the ends of connections from conntrack, a rate limiter keeps the
 * connections logged to {@link FlowLogSettings#rateLimit()} a second ({@link ConnectionSampler}), and every {@link FlowLogSettings#flushInterval()} the
 * aggregate goes out as {@link FlowRecord} CloudEvents into the flows hub ({@code GET /v1/flows}, Kafka topic
 * {@code tabby.flows}). Nothing here is on the dataplane's path: the apply loop only hands over settings and names,
 * and a reader that falls behind loses verdicts in the kernel (counted as overruns), never slows a packet.
 */
public final class FlowLogs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FlowLogs.class);
    /** Allowed connections remembered until conntrack says they ended. */
    static final int MAX_OPEN_CONNECTIONS = 262_144;
    /**
     * Connections whose rate-limit decision is remembered: a connection's verdicts on both its endpoints come within
     * microseconds, its first retransmitted SYN a second later, and this covers 3 s of 5,000 new connections a second
     * (1.6 s at 10,000); a later retransmission is decided again. Larger kept more live objects for the GC to copy
     * (65,536 cost a few percent of a core more in the bench).
     */
    static final int SAMPLER_MEMORY = 16_384;
    private static final Duration RETRY_OPEN_AFTER = Duration.ofSeconds(10);
    private static final String ACCOUNTING = "net.netfilter.nf_conntrack_acct";

    /**
     * Opens the kernel's readers; tests hand in their own. Both hand over one reused view per item, valid only during
     * the sink's call, so that reading allocates nothing per packet or end.
     */
    public interface Sources {
        FlowSource<NflogView> verdicts(Collection<Integer> groups);

        /** The ends of connections, decoding only those {@code wanted} accepts. */
        FlowSource<ConntrackEndView> ends(ConntrackEvents.EndFilter wanted);
    }

    private final String node;
    private final CommandRunner runner;
    private final Sources sources;
    private final EventHub hub;
    private final EventFactory events;
    private final Clock clock;
    private final FlowLogRules rules = FlowLogRules.DEFAULT;

    private final Object lock = new Object();
    private final FlowAggregator aggregator = new FlowAggregator(MAX_OPEN_CONNECTIONS);
    private final ConnectionSampler sampler = new ConnectionSampler(FlowLogSettings.DEFAULTS.rateLimit(),
            SAMPLER_MEMORY);
    private volatile int rateLimit = FlowLogSettings.DEFAULTS.rateLimit();
    private volatile Map<String, String> policyById = fixedNames();
    private volatile Map<String, String> names = Map.of();
    /** Connections (not verdicts) kept and dropped by the rate limit in the interval: {@code sampling} is their share. */
    private long recordedInInterval;
    private long droppedInInterval;
    private Instant intervalStart;

    private final AtomicLong verdictsRead = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong recordsEmitted = new AtomicLong();
    private final AtomicLong foreignPackets = new AtomicLong();
    private final AtomicLong overrunsOfClosed = new AtomicLong();

    // Capture: touched on the apply loop's thread only (update, close).
    private volatile FlowSource<NflogView> verdictSource;
    private volatile FlowSource<ConntrackEndView> endSource;
    private final List<Thread> readers = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> flushTask;
    private Duration flushEvery;
    private Instant lastOpenFailure;
    private String accountingBefore;
    private volatile boolean on;
    /** A reader stopped on an error: the next update reopens both. */
    private volatile boolean readerFailed;

    public FlowLogs(String node, CommandRunner runner, Sources sources, EventHub hub, Clock clock) {
        this.node = node;
        this.runner = runner;
        this.sources = sources;
        this.hub = hub;
        this.events = new EventFactory(node, "policy-renderer", clock);
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tabby-flows-flush");
            t.setDaemon(true);
            return t;
        });
    }

    public EventHub hub() {
        return hub;
    }

    /**
     * On the apply loop's thread, after each apply: follows the switch (capture starts once the NFLOG rules are in,
     * stops once they are gone), the interval and the rate limit; with {@code rendered} the names of policies and
     * endpoints are read again from the state.
     */
    public void update(PolicyState state, boolean rendered) {
        FlowLogSettings s = state.settings().flowLogs();
        rateLimit = s.rateLimit();
        if (!s.on()) {
            if (on) {
                stop();
            }
            return;
        }
        if (rendered || !on) {
            learnPolicyNames(state);
        }
        if (state.endpointNamesVersion() != namesVersion || !on) {
            namesVersion = state.endpointNamesVersion();
            names = Map.copyOf(state.endpointNamesByAddress()); // a remote endpoint may change without a write here
        }
        if (on && readerFailed) {
            stop(); // a reader died (its socket failed): open both again, as at start
        }
        if (!on) {
            start(s);
        }
        if (on && !s.flushInterval().equals(flushEvery)) {
            schedule(s.flushInterval());
        }
    }

    /** The implicit verdicts' names, known whatever is rendered. */
    private static Map<String, String> fixedNames() {
        Map<String, String> byId = new HashMap<>();
        for (String n : List.of(FlowPolicyNames.endOfTier(FlowPolicyNames.DEFAULT_TIER), FlowPolicyNames.NO_POLICY)) {
            byId.put(VerdictPrefix.idOf(n), n);
        }
        return Map.copyOf(byId);
    }

    private long namesVersion = -1;

    private void learnPolicyNames(PolicyState state) {
        Map<String, String> byId = new HashMap<>(fixedNames());
        for (String p : state.renderedPolicyNames()) {
            String n = FlowPolicyNames.policy(p);
            byId.put(VerdictPrefix.idOf(n), n);
        }
        for (String p : state.renderedProfileNames()) {
            String n = FlowPolicyNames.profile(p);
            byId.put(VerdictPrefix.idOf(n), n);
        }
        policyById = Map.copyOf(byId);
    }

    private void start(FlowLogSettings s) {
        Instant now = clock.instant();
        if (lastOpenFailure != null && Duration.between(lastOpenFailure, now).compareTo(RETRY_OPEN_AFTER) < 0) {
            return;
        }
        enableAccounting();
        try {
            verdictSource = sources.verdicts(List.of(rules.ingressGroup(), rules.egressGroup()));
            endSource = sources.ends(this::wantsEnd);
        } catch (RuntimeException e) {
            lastOpenFailure = now;
            LOG.errorf("event=flow_logs_not_started node=%s problem=\"%s\" action=retried_at_an_apply_after_%ds", node,
                    e.getMessage(), RETRY_OPEN_AFTER.toSeconds());
            closeSources();
            return;
        }
        lastOpenFailure = null;
        readerFailed = false;
        beginInterval(now);
        FlowSource<NflogView> v = verdictSource;
        FlowSource<ConntrackEndView> e = endSource;
        readers.add(reader("tabby-flows-nflog", () -> v.receive(this::onPacket)));
        readers.add(reader("tabby-flows-conntrack", () -> e.receive(this::onEnd)));
        on = true;
        schedule(s.flushInterval());
        LOG.infof("event=flow_logs_started node=%s groups=%d,%d interval=%s rate_limit=%d", node, rules.ingressGroup(),
                rules.egressGroup(), s.flushInterval(), s.rateLimit());
    }

    private Thread reader(String name, Runnable loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (RuntimeException ex) {
                readerFailed = true;
                LOG.errorf("event=flow_log_reader_failed node=%s reader=%s problem=\"%s\" action=reopened_at_next_apply",
                        node, name, ex.getMessage());
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void schedule(Duration every) {
        if (flushTask != null) {
            flushTask.cancel(false);
        }
        flushEvery = every;
        long ms = every.toMillis();
        flushTask = timer.scheduleAtFixedRate(this::flushSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void stop() {
        on = false;
        if (flushTask != null) {
            flushTask.cancel(false);
            flushTask = null;
            flushEvery = null;
        }
        closeSources();
        for (Thread t : readers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        readers.clear();
        flushSafely(); // what was read before the switch went off
        restoreAccounting();
        LOG.infof("event=flow_logs_stopped node=%s", node);
    }

    private void closeSources() {
        if (verdictSource != null) {
            overrunsOfClosed.addAndGet(verdictSource.overruns());
            verdictSource.close();
            verdictSource = null;
        }
        if (endSource != null) {
            overrunsOfClosed.addAndGet(endSource.overruns());
            endSource.close();
            endSource = null;
        }
    }

    /** Connections get counters when they begin, so accounting goes on before the readers start. */
    private void enableAccounting() {
        CommandRunner.Result before = runner.run(List.of("sysctl", "-n", ACCOUNTING), "");
        accountingBefore = before.ok() ? before.stdout().strip() : null;
        CommandRunner.Result r = runner.run(List.of("sysctl", "-q", "-w", ACCOUNTING + "=1"), "");
        if (!r.ok()) {
            LOG.warnf("event=conntrack_accounting_not_enabled node=%s problem=\"%s\" effect=\"allowed flows show 0 "
                    + "packets and bytes\" remedy=\"load nf_conntrack and let the renderer write /proc/sys\"", node,
                    r.stderr().strip());
        }
    }

    private void restoreAccounting() {
        if ("0".equals(accountingBefore)) {
            runner.run(List.of("sysctl", "-q", "-w", ACCOUNTING + "=0"), "");
        }
        accountingBefore = null;
    }

    // ---- reader threads -----------------------------------------------------------------------------------------

    private int limiterRate = FlowLogSettings.DEFAULTS.rateLimit();

    // Each reader thread's own: decoded prefixes (NFLOG's) and address texts (one per reader).
    private final VerdictPrefixes prefixes = new VerdictPrefixes();
    private final AddressTexts packetAddresses = new AddressTexts();
    private final AddressTexts endAddresses = new AddressTexts();
    private final FlowKeys flowKeys = new FlowKeys();

    /** On the NFLOG reader's thread: one logged packet, read in place (valid only during this call). */
    void onPacket(NflogView p) {
        verdictsRead.incrementAndGet();
        VerdictPrefix prefix = ours(p);
        if (prefix == null) {
            foreignPackets.incrementAndGet();
            return;
        }
        int rate = rateLimit;
        if (rate != limiterRate) {
            limiterRate = rate;
            sampler.setRate(rate);
        }
        // Decided on the packet in place: a verdict the rate limit drops makes no object, nor does a kept one whose
        // record's key was seen before.
        ConnectionSampler.Decision d = sampler.decide(p, System.nanoTime());
        FlowKey k = d.keep() ? flowKey(p, prefix) : null;
        synchronized (lock) {
            if (d.isNew()) {
                if (d.keep()) {
                    recordedInInterval++;
                } else {
                    droppedInInterval++;
                }
            }
            if (k == null) {
                rateLimited.incrementAndGet();
                return;
            }
            aggregator.verdict(k, p.srcPort(), connectionId(p.ctId()), synSequence(p.synSeq()), p.length());
        }
    }

    private static long connectionId(long ctId) {
        return ctId == NflogPacket.NO_CT_ID ? ConnectionKey.NO_ID : ctId;
    }

    private static long synSequence(long synSeq) {
        return synSeq == NflogPacket.NO_SYN ? ConnectionKey.NO_SEQ : synSeq;
    }

    /** The key of the record the packet, whose prefix is {@code prefix}, counts for (from the cache: no object). */
    private FlowKey flowKey(NflogView p, VerdictPrefix prefix) {
        return flowKeys.of(packetAddresses.of(p.ipv6(), p.srcHi(), p.srcLo()),
                packetAddresses.of(p.ipv6(), p.dstHi(), p.dstLo()), p.dstPort(), p.protocol(), prefix.allow(),
                p.group() == rules.ingressGroup(), policyName(prefix), prefix.rule());
    }

    private String policyName(VerdictPrefix prefix) {
        String policy = policyById.get(prefix.policyId());
        return policy != null ? policy : "unknown:" + prefix.policyId();
    }

    /** {@link #onPacket(NflogView)} of a packet record (tests, and sources that make records). */
    void onPacket(NflogPacket p) {
        onPacket(new NflogView().set(p));
    }

    /** A logged packet record as a verdict; see {@link #decode(NflogView)}. */
    Verdict decode(NflogPacket p) {
        return decode(new NflogView().set(p));
    }

    /**
     * A logged packet as a verdict; null for one that is not Tabby's (another program's rule in our group). Its prefix
     * and addresses come from caches, so a packet costs the verdict and its connection's key, no text.
     */
    Verdict decode(NflogView p) {
        VerdictPrefix prefix = ours(p);
        return prefix == null ? null : verdict(p, prefix);
    }

    /** The verdict prefix of a packet in one of our groups, or null for one that is not Tabby's. */
    private VerdictPrefix ours(NflogView p) {
        int group = p.group();
        if (group != rules.ingressGroup() && group != rules.egressGroup()) {
            return null;
        }
        return prefixes.of(p);
    }

    /** The packet, whose prefix is {@code prefix}, as a verdict (it lives on as the aggregator's key). */
    private Verdict verdict(NflogView p, VerdictPrefix prefix) {
        return new Verdict(p.group() == rules.ingressGroup(), prefix.allow(), policyName(prefix), prefix.rule(),
                new ConnectionKey(p.protocol(), packetAddresses.of(p.ipv6(), p.srcHi(), p.srcLo()), p.srcPort(),
                        packetAddresses.of(p.ipv6(), p.dstHi(), p.dstLo()), p.dstPort(), connectionId(p.ctId()),
                        synSequence(p.synSeq())),
                p.length());
    }

    /** On the conntrack reader's thread, before an end is decoded: whether it may be a connection we hold open. */
    boolean wantsEnd(long ctId, int protocol, int srcPort, int dstPort) {
        synchronized (lock) {
            return aggregator.wantsEnd(connectionId(ctId), protocol, srcPort, dstPort);
        }
    }

    /** On the conntrack reader's thread: one ended connection, read in place (valid only during this call). */
    void onEnd(ConntrackEndView e) {
        String src = endAddresses.of(e.ipv6(), e.srcHi(), e.srcLo());
        String dst = endAddresses.of(e.ipv6(), e.dstHi(), e.dstLo());
        synchronized (lock) {
            aggregator.end(e.protocol(), src, e.srcPort(), dst, e.dstPort(), connectionId(e.id()),
                    e.origPackets() + e.replyPackets(), e.origBytes() + e.replyBytes());
        }
    }

    // ---- flush --------------------------------------------------------------------------------------------------

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.errorf("event=flow_flush_failed node=%s problem=\"%s\"", node, e.getMessage());
        }
    }

    /** The first interval begins: verdicts read from now on are aggregated. */
    void beginInterval(Instant now) {
        synchronized (lock) {
            intervalStart = now;
            recordedInInterval = 0;
            droppedInInterval = 0;
        }
    }

    /** Emits the interval's records and begins the next interval. */
    void flush() {
        List<FlowRecord> out;
        synchronized (lock) {
            if (intervalStart == null) {
                return;
            }
            Instant end = clock.instant();
            long seen = recordedInInterval + droppedInInterval;
            double sampling = seen == 0 || droppedInInterval == 0 ? 1.0 : (double) recordedInInterval / seen;
            if (sampling <= 0) {
                sampling = Double.MIN_VALUE; // everything dropped: records only from ends of earlier connections
            }
            Map<String, String> n = names;
            out = aggregator.flush(intervalStart, end, node, n::get, sampling);
            intervalStart = end;
            recordedInInterval = 0;
            droppedInInterval = 0;
        }
        for (FlowRecord r : out) {
            hub.publish(events.make(FlowRecord.EVENT_WHAT, r.subject(), r.toData()));
            recordsEmitted.incrementAndGet();
        }
    }

    // ---- meters -------------------------------------------------------------------------------------------------

    public boolean on() {
        return on;
    }

    /** Logged packets read from NFLOG (before the rate limit). */
    public long verdictsRead() {
        return verdictsRead.get();
    }

    /** Verdicts dropped by the rate limit (both verdicts of a dropped connection count). */
    public long rateLimited() {
        return rateLimited.get();
    }

    public long recordsEmitted() {
        return recordsEmitted.get();
    }

    /** Logged packets in our groups whose prefix is not Tabby's. */
    public long foreignPackets() {
        return foreignPackets.get();
    }

    /** Times the kernel dropped NFLOG or conntrack messages because a reader's buffer was full. */
    public long overruns() {
        long n = overrunsOfClosed.get();
        FlowSource<NflogView> v = verdictSource;
        FlowSource<ConntrackEndView> e = endSource;
        return n + (v == null ? 0 : v.overruns()) + (e == null ? 0 : e.overruns());
    }

    /** Stops capture (emitting what was read) and the timer. */
    @Override
    public void close() {
        if (on) {
            stop();
        }
        timer.shutdownNow();
    }
}
