package dev.tabby.probe.service;

import dev.tabby.runtime.events.ServiceEvents;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness and the datastore as events (issue 15: every service reports ready, not ready, lost the datastore):
 * {@link ProbeHealth.Ready}'s own verdict, looked at every second whether or not a probe asks, and the
 * {@link DatastoreState} the service keeps; an event only on a change. etcd counts as lost only once it was reached.
 */
@ApplicationScoped
public class ReadinessEvents {
    @Inject
    ProbeRunner runner;

    @Inject
    @Readiness
    ProbeHealth.Ready readiness;

    @Inject
    ServiceEvents events;

    @Scheduled(every = "${tabby.events.readiness-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void look() {
        DatastoreState.Snapshot ds = runner.datastore().current();
        if (ds.state() != DatastoreState.State.UNKNOWN) {
            boolean connected = ds.state() == DatastoreState.State.CONNECTED;
            events.datastore(connected, connected ? "connected" : ds.reason());
        }
        HealthCheckResponse r = readiness.call();
        boolean ready = r.getStatus() == HealthCheckResponse.Status.UP;
        events.readiness(ready, ready ? "ready" : r.getData().map(d -> String.valueOf(d.get("reason"))).orElse(""));
    }
}
