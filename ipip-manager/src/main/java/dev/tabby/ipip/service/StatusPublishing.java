package dev.tabby.ipip.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.StatusPublisher;
import dev.tabby.ipip.agent.AgentSettings;
import dev.tabby.ipip.rest.StatusResource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Publishes what {@code /v1/status} says under {@code /tabby/status/<node>/ipip-manager}, so an operator sees every
 * node's VTEPs and routes from etcd (architecture.md: status flows back through etcd status keys).
 */
@ApplicationScoped
public class StatusPublishing {
    private static final Logger LOG = Logger.getLogger(StatusPublishing.class);

    @Inject
    IpipService service;

    @Inject
    KeyValueStore store;

    @Inject
    ObjectMapper json;

    private volatile String lastPublished;
    // Whether the last attempt failed: a failure is logged once when it starts (then at debug), and the recovery once.
    private volatile boolean failing;

    @Scheduled(every = "${tabby.ipip.status-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publishNow() {
        publish();
    }

    /** Writes the status when it changed since the last write; returns whether it wrote. */
    public boolean publish() {
        if (service.started().isEmpty()) {
            return false;
        }
        try {
            String body = json.writeValueAsString(StatusResource.of(service.agent()));
            if (body.equals(lastPublished)) {
                return false;
            }
            new StatusPublisher(store, service.node(), AgentSettings.SERVICE).publish(body);
            lastPublished = body;
            if (failing) {
                failing = false;
                LOG.infof("event=status_publish_recovered node=%s", service.node());
            }
            return true;
        } catch (JsonProcessingException | DatastoreException e) {
            if (failing) {
                LOG.debugf("event=status_publish_failed node=%s error=\"%s\"", service.node(), e.getMessage());
            } else {
                failing = true;
                LOG.warnf("event=status_publish_failed node=%s error=\"%s\" retry=\"every status interval; logged again"
                        + " when it recovers\"", service.node(), e.getMessage());
            }
            return false;
        }
    }
}
