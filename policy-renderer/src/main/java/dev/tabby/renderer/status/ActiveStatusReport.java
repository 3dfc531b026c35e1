package dev.tabby.renderer.status;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.FelixStatusKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Felix's liveness report in etcd (felix daemon/daemon.go handleProcessStatusUpdate, libcalico-go
 * model/statusreports.go): {@code {"time":...,"uptime":...,"first_update":...}} under the node's
 * {@code .../status} key with a lease of the reporting TTL, and the same without a lease under
 * {@code last_reported_status}. The CNI plugin reads the leased key to know that this node runs a policy renderer
 * and so waits for its endpoint's status; when the renderer dies the key expires with its lease.
 */
public final class ActiveStatusReport {
    private static final Logger LOG = Logger.getLogger(ActiveStatusReport.class);
    /** Felix v3.18 reportingInterval and reportingTTL defaults. */
    public static final Duration INTERVAL = Duration.ofSeconds(30);
    public static final Duration TTL = Duration.ofSeconds(90);

    private final KeyValueStore store;
    private final String node;
    private final Instant started = Instant.now();
    private boolean firstSent;

    public ActiveStatusReport(KeyValueStore store, String node) {
        this.store = store;
        this.node = node;
    }

    /** Writes one report; false (and a log line) when etcd did not take it. */
    public boolean report() {
        double uptime = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        String json = "{\"time\":\"" + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + "\",\"uptime\":" + uptime + ",\"first_update\":" + !firstSent + "}";
        try {
            long lease = store.client().getLeaseClient().grant(TTL.toSeconds()).get(5, TimeUnit.SECONDS).getID();
            store.client().getKVClient().put(bytes(FelixStatusKeys.activeStatusReport(node)), bytes(json),
                    PutOption.builder().withLeaseId(lease).build()).get(5, TimeUnit.SECONDS);
            firstSent = true;
            store.put(FelixStatusKeys.lastStatusReport(node), json.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("event=status_report_failed node=%s problem=\"%s\" action=retry_next_interval", node, e.getMessage());
            return false;
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
