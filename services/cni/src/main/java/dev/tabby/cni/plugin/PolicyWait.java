package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.Kind;
import dev.tabby.datastore.status.FelixStatusKeys;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * ADD's last step: on a node that runs a policy renderer, wait until the renderer reports the new endpoint
 * {@code up}, so the workload never sends before its policy is in place. The renderer reports as Felix does, in the
 * keys {@link FelixStatusKeys} names: its active status report while it runs, and each endpoint's
 * {@code {"status":"up"|"down"|"error"}}. No report on this node: no renderer, no wait. FelixConfiguration
 * {@code endpointReportingEnabled: false} (on {@code node.<node>}, else {@code default}): the renderer writes no
 * statuses, so no wait either.
 *
 * <p>Beyond Calico v3.18, whose plugin returns without waiting. The bound is {@code policy_setup_timeout_seconds} in
 * the network configuration, else {@value #TIMEOUT_VAR} (the call's environment, then the process's, as
 * TABBY_CNI_TIMEOUT is read from the forwarded environment), else {@value #DEFAULT_TIMEOUT_SECONDS} s; 0 turns the
 * wait off.
 */
final class PolicyWait {
    private static final Logger LOG = Logger.getLogger(PolicyWait.class);
    static final String TIMEOUT_VAR = "TABBY_CNI_POLICY_SETUP_TIMEOUT";
    static final int DEFAULT_TIMEOUT_SECONDS = 10;
    /** The watch wakes the wait at once; this re-read covers a watch that failed or never started. */
    private static final long RECHECK_MILLIS = 500;

    /** How the wait ended when the ADD may go on. */
    enum Outcome { DISABLED, NO_RENDERER, REPORTING_OFF, UP }

    private PolicyWait() {
    }

    /** The bound, checked before anything is created: a bad setting fails the ADD with nothing to undo. */
    static Duration timeout(NetConf conf, Map<String, String> callEnv, Map<String, String> processEnv) {
        if (conf.policySetupTimeoutSeconds() != null) {
            return Duration.ofSeconds(conf.policySetupTimeoutSeconds());
        }
        String raw = callEnv.get(TIMEOUT_VAR);
        if (raw == null || raw.isBlank()) {
            raw = processEnv.get(TIMEOUT_VAR);
        }
        if (raw == null || raw.isBlank()) {
            return Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        }
        try {
            long seconds = Long.parseLong(raw.trim());
            if (seconds >= 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CniError(CniError.INVALID_ENVIRONMENT, TIMEOUT_VAR + "=" + raw + " is not a number of seconds; set it to e.g. "
                + DEFAULT_TIMEOUT_SECONDS + ", 0 not to wait, or unset it");
    }

    /**
     * Waits for {@code w}'s endpoint to be reported up.
     *
     * @param endpointName the WorkloadEndpoint's name, for the operator
     * @throws CniError code 105 when the renderer reports {@code error}; code 11 when the bound passes first
     */
    static Outcome await(KeyValueStore kv, Workload w, String endpointName, Duration timeout) {
        if (timeout.isZero()) {
            return Outcome.DISABLED;
        }
        String reportKey = FelixStatusKeys.activeStatusReport(w.node());
        if (kv.get(reportKey).isEmpty()) {
            return Outcome.NO_RENDERER;
        }
        if (!endpointReporting(new ResourceStore(kv), w.node())) {
            return Outcome.REPORTING_OFF;
        }
        // The key Felix derives from the endpoint's name, as the renderer does: one function for both sides.
        String key = FelixStatusKeys.forWorkloadEndpoint(w.namespace(), endpointName).orElseThrow(() -> new CniError(
                CniError.INVALID_NETWORK_CONFIG, "WorkloadEndpoint name " + endpointName
                        + " is not <node>-<orchestrator>-<workload>-<endpoint>; Felix and Tabby ignore such endpoints"));
        String endpoint = w.namespace() + "/" + endpointName;
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore changed = new Semaphore(0);
        // From the revision before the first read: a write between that read and the watch's start is not missed.
        long from = kv.currentRevision() + 1;
        Watch.Watcher watcher = kv.client().getWatchClient().watch(EtcdKeys.bytes(key),
                WatchOption.builder().withRevision(from).build(),
                Watch.listener(response -> changed.release(), error -> changed.release()));
        try {
            String last = null;
            while (true) {
                Optional<KvEntry> entry = kv.get(key);
                last = entry.map(KvEntry::valueAsString).orElse(null);
                String status = FelixStatusKeys.endpointStatusOf(last);
                if ("up".equals(status)) {
                    return Outcome.UP;
                }
                if ("error".equals(status)) {
                    throw new CniError(CniError.POLICY_FAILURE, "the policy renderer reported an error for WorkloadEndpoint "
                            + endpoint + " at " + key + ": " + shorten(last) + "; check `tabby status` and the policy-renderer's"
                            + " /v1/endpoints/" + endpoint + " and log on node " + w.node());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timedOut(kv, endpoint, w.node(), key, reportKey, last, timeout);
                }
                changed.tryAcquire(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, RECHECK_MILLIS), TimeUnit.MILLISECONDS);
                changed.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniError(CniError.TRY_AGAIN_LATER, "the wait for WorkloadEndpoint " + endpoint
                    + "'s policy was interrupted (the CNI daemon is stopping); try ADD again");
        } finally {
            watcher.close();
        }
    }

    /**
     * FelixConfiguration {@code endpointReportingEnabled} as the renderer reads it: {@code node.<node>} wins over
     * {@code default}; unset means on (Tabby's default, Felix's is off). A configuration that cannot be read counts as
     * on: the wait is bounded, a skipped wait is not.
     */
    static boolean endpointReporting(ResourceStore store, String node) {
        for (String name : new String[] {"node." + node, "default"}) {
            try {
                Boolean v = store.get(new ResourceId(Kind.FELIX_CONFIGURATION, null, name))
                        .map(r -> ((FelixConfiguration) r).spec()).filter(java.util.Objects::nonNull)
                        .map(FelixConfiguration.Spec::endpointReportingEnabled).orElse(null);
                if (v != null) {
                    return v;
                }
            } catch (RuntimeException e) {
                LOG.warnf("event=felixconfiguration_unreadable name=%s problem=\"%s\" effect=\"endpoint reporting taken as on\"",
                        name, e.getMessage());
            }
        }
        return true;
    }

    private static CniError timedOut(KeyValueStore kv, String endpoint, String node, String key,
                                     String reportKey, String last, Duration timeout) {
        String renderer = kv.get(reportKey).isPresent() ? "node " + node + "'s policy renderer (status report " + reportKey
                + ")" : "node " + node + "'s policy renderer, whose status report " + reportKey + " has gone meanwhile (is it running?),";
        return new CniError(CniError.TRY_AGAIN_LATER, "the policy for WorkloadEndpoint " + endpoint + " was not in place within "
                + timeout.toSeconds() + " s: " + renderer + " has not reported it up at " + key + " ("
                + (last == null ? "nothing written there" : "it holds " + shorten(last)) + "); check `tabby status` and the"
                + " policy-renderer's /v1/endpoints/" + endpoint + " on that node, or raise "
                + NetConf.POLICY_SETUP_TIMEOUT_KEY + " (or " + TIMEOUT_VAR + "; 0 = do not wait)");
    }

    /** One line, bounded: the value is written by another program. */
    private static String shorten(String value) {
        String oneLine = value.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }
}
