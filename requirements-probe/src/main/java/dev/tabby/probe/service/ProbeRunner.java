package dev.tabby.probe.service;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.DatastoreUnavailableException;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.datastore.status.StatusPublisher;
import dev.tabby.probe.Mode;
import dev.tabby.probe.Probe;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Report;
import dev.tabby.probe.ReportJson;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.runtime.events.ServiceEvents;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Probes the host on a schedule, keeps the latest report for the HTTP surface and publishes it under the node's
 * status in etcd, where {@code tabbyctl node checksystem} reads it. Every few seconds it asks etcd whether it is
 * reachable ({@link DatastoreState}); while it is not, reports are kept but not sent, and when it is back the latest
 * report is published again.
 */
@ApplicationScoped
public class ProbeRunner {
    public static final String SERVICE = "requirements-probe";
    private static final Logger LOG = Logger.getLogger(ProbeRunner.class);

    private final ProbeSettings settings;
    private final KeyValueStore store;
    private final EtcdConfig etcdConfig;
    private final Set<Mode> modes;
    private final String node;
    private final Probe probe = new Probe();
    private final StatusPublisher publisher;
    private final DatastoreState datastore;
    private volatile Report latest;
    private volatile String publishError;
    private volatile Instant lastRun;
    private final CheckChanges changes;

    @Inject
    public ProbeRunner(ProbeSettings settings, KeyValueStore store, EtcdConfig etcdConfig, ServiceEvents events) {
        this.settings = settings;
        this.store = store;
        this.etcdConfig = etcdConfig;
        this.modes = Mode.parseList(settings.modes());
        this.node = settings.node().orElseGet(() -> NodeName.resolve(System.getenv()));
        this.publisher = new StatusPublisher(store, node, SERVICE);
        events.useNode(node);
        this.changes = new CheckChanges(events);
        this.datastore = new DatastoreState(store, publisher.key(), settings.datastoreDeadline(), Clock.systemUTC(),
                this::republish);
    }

    @Scheduled(every = "${tabby.probe.datastore-check-interval:3s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkDatastore() {
        datastore.check();
    }

    /**
     * The first probe as soon as the service starts, on a thread of its own: readiness waits for it, and the
     * scheduler's first tick would add up to a second. The scheduled probes follow one interval later.
     */
    void probeAtStart(@Observes StartupEvent event) {
        Thread first = new Thread(this::runOnce, "tabby-probe-first");
        first.setDaemon(true);
        first.start();
    }

    @Scheduled(every = "${tabby.probe.interval:60s}", delayed = "${tabby.probe.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probeNow() {
        runOnce();
    }

    /** One probe and one publish; returns the report. */
    public Report runOnce() {
        ProbeContext ctx = ProbeContext.builder(HostRoot.at(Path.of(settings.hostRoot())))
                .modes(modes).peers(settings.peers()).env(probeEnvironment()).node(node).build();
        Report report = probe.run(ctx);
        latest = report;
        lastRun = Instant.now();
        changes.observe(report);
        LOG.infof("event=probed node=%s pass=%d warn=%d fail=%d skip=%d", node, report.count(dev.tabby.probe.Status.PASS),
                report.count(dev.tabby.probe.Status.WARN), report.count(dev.tabby.probe.Status.FAIL),
                report.count(dev.tabby.probe.Status.SKIP));
        if (datastore.unreachable()) {
            publishError = datastore.current().reason(); // sent when etcd is back
        } else {
            publish(report);
        }
        return report;
    }

    /** Publishes the latest report again: etcd is back (and may have lost it). */
    private void republish() {
        Report report = latest;
        if (report != null) {
            publish(report);
        }
    }

    private synchronized void publish(Report report) {
        try {
            publisher.publish(ReportJson.write(report));
            if (publishError != null) {
                LOG.infof("event=published node=%s key=%s", node, publisher.key());
            }
            publishError = null;
            datastore.succeeded();
        } catch (DatastoreException e) {
            String before = publishError;
            publishError = e.getMessage();
            datastore.failed(e);
            // An outage is the datastore state's to log (once); another error is logged when it changes.
            if (!(e instanceof DatastoreUnavailableException) && !Objects.equals(before, publishError)) {
                LOG.warnf("event=publish_failed node=%s key=%s error=\"%s\"", node, publisher.key(), e.getMessage());
            }
        }
    }

    /** The environment the checks see, with the service's own etcd settings so the datastore check tests those. */
    private Map<String, String> probeEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(EtcdConfig.ENDPOINTS_VAR, etcdConfig.endpointsText());
        etcdConfig.caFile().ifPresent(p -> env.put(EtcdConfig.CA_FILE_VAR, p.toString()));
        etcdConfig.certFile().ifPresent(p -> env.put(EtcdConfig.CERT_FILE_VAR, p.toString()));
        etcdConfig.keyFile().ifPresent(p -> env.put(EtcdConfig.KEY_FILE_VAR, p.toString()));
        etcdConfig.username().ifPresent(u -> env.put(EtcdConfig.USERNAME_VAR, u));
        etcdConfig.password().ifPresent(p -> env.put(EtcdConfig.PASSWORD_VAR, p));
        env.put(NodeName.VARIABLE, node);
        return env;
    }

    public Optional<Report> latest() {
        return Optional.ofNullable(latest);
    }

    public DatastoreState datastore() {
        return datastore;
    }

    public Optional<String> publishError() {
        return Optional.ofNullable(publishError);
    }

    public Optional<Instant> lastRun() {
        return Optional.ofNullable(lastRun);
    }

    public String node() {
        return node;
    }

    public ProbeSettings settings() {
        return settings;
    }
}
