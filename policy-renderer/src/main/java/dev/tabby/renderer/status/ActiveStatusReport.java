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
 * {@code .../status} key with a lease of {@code reportingTTL}, and the same without a lease under
 * {@code last_reported_status}. The CNI plugin reads the leased key to know that this node runs a policy renderer
 * and so waits for its endpoint's status; when the renderer dies the key expires with its lease. A clean stop revokes
 * the lease at once (Felix leaves it to expire), so for the next 90 s a CNI ADD on this node does not wait for a
 * status nobody will write.
 */
public final class ActiveStatusReport implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ActiveStatusReport.class);
    private final KeyValueStore store;
    private final String node;
    private final Instant started = Instant.now();
    private boolean firstSent;
    /** The lease the key is under now; 0 before the first report. */
    private long lease;

    public ActiveStatusReport(KeyValueStore store, String node) {
        this.store = store;
        this.node = node;
    }

    /** Writes one report leased for {@code ttl}; false (and a log line) when etcd did not take it. */
    public synchronized boolean report(Duration ttl) {
        double uptime = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        String json = "{\"time\":\"" + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + "\",\"uptime\":" + uptime + ",\"first_update\":" + !firstSent + "}";
        try {
            long granted = store.client().getLeaseClient().grant(ttl.toSeconds()).get(5, TimeUnit.SECONDS).getID();
            store.client().getKVClient().put(bytes(FelixStatusKeys.activeStatusReport(node)), bytes(json),
                    PutOption.builder().withLeaseId(granted).build()).get(5, TimeUnit.SECONDS);
            if (lease != 0) {
                store.client().getLeaseClient().revoke(lease); // holds nothing now; no need to wait for it
            }
            lease = granted;
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

    /**
     * Revokes the lease, which deletes the leased key: this node runs no policy renderer from now on (a clean stop,
     * or {@code reportingInterval} set to 0). The next {@link #report} writes it again.
     */
    @Override
    public synchronized void close() {
        if (lease == 0) {
            return;
        }
        try {
            store.client().getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
            lease = 0;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("event=status_report_revoke_failed node=%s problem=\"%s\" effect=\"the key expires with its lease\"",
                    node, e.getMessage());
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
