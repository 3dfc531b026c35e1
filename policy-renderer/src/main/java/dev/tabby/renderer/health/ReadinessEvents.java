package dev.tabby.renderer.health;

import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.runtime.events.ServiceEvents;
import dev.tabby.renderer.agent.PolicyAgent;
import dev.tabby.renderer.service.PolicyService;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Readiness and the datastore as events (issue 15: every service reports ready, not ready, lost the datastore): the
 * same answer {@code /q/health/ready} gives, looked at every second whether or not a probe asks; an event only on a
 * change.
 */
@ApplicationScoped
public class ReadinessEvents {
    @Inject
    PolicyService service;

    @Inject
    ServiceEvents events;

    @Scheduled(every = "${tabby.events.readiness-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void look() {
        PolicyAgent agent = service.started().orElse(null);
        if (agent == null) {
            return;
        }
        boolean inSync = agent.syncStatus() == SyncStatus.IN_SYNC;
        events.datastore(inSync, inSync ? "in sync" : "datastore: " + agent.syncStatus());
        events.readiness(agent.ready(), agent.reason());
    }
}
