package dev.tabby.bgpspeaker.events;

import dev.tabby.bgpspeaker.health.SpeakerHealthSource;
import dev.tabby.bgpspeaker.health.SpeakerReadiness;
import dev.tabby.runtime.events.ServiceEvents;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Readiness and the datastore as events (issue 15: every service reports ready, not ready, lost the datastore): the
 * verdict {@code /q/health/ready} gives ({@link SpeakerReadiness}), looked at every second whether or not a probe
 * asks; an event only on a change.
 */
@ApplicationScoped
public class ReadinessEvents {
    @Inject
    SpeakerHealthSource source;

    @Inject
    ServiceEvents events;

    @Scheduled(every = "${tabby.events.readiness-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void look() {
        SpeakerReadiness r = SpeakerReadiness.of(source.inSync(), source.peers());
        events.datastore(r.inSync(), r.inSync() ? "in sync" : "not in sync with the datastore");
        events.readiness(r.ready(), r.reason());
    }
}
