package dev.tabby.ipip.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.StatusPublisher;
import dev.tabby.ipip.agent.AgentSettings;
import dev.tabby.ipip.rest.PublishedStatus;
import dev.tabby.ipip.rest.StatusResource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Publishes what {@code /v1/status} says, its per-node lists counted ({@link PublishedStatus}), under
 * {@code /tabby/status/<node>/ipip-manager}, so an operator sees every node's state and counts from etcd (architecture.md:
 * status flows back through etcd status keys); the lists themselves are on the node's {@code /v1/status}.
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

    private volatile StatusPublisher publisher;

    @Scheduled(every = "${tabby.ipip.status-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publishNow() {
        publish();
    }

    /** Writes the status when it changed since the last write; returns whether it wrote. */
    public boolean publish() {
        if (service.started().isEmpty()) {
            return false;
        }
        if (publisher == null) {
            publisher = new StatusPublisher(store, service.node(), AgentSettings.SERVICE);
        }
        try {
            return publisher.publishIfChanged(json.writeValueAsString(
                    PublishedStatus.of(StatusResource.of(service.agent()))));
        } catch (JsonProcessingException e) {
            LOG.warnf("event=status_encode_failed node=%s error=\"%s\"", service.node(), e.getMessage());
            return false;
        }
    }
}
