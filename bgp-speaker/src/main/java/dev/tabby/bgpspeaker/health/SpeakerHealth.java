package dev.tabby.bgpspeaker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: see {@link SpeakerReadiness}; each peer holding readiness is named in the check's data.
 * {@code /q/health/live}: up while the process serves HTTP; a speaker that cannot reach its peers is not restarted
 * for it, as calico-node's liveness does not depend on BIRD's sessions either.
 */
public final class SpeakerHealth {
    private SpeakerHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        SpeakerHealthSource source;

        @Override
        public HealthCheckResponse call() {
            SpeakerReadiness r = SpeakerReadiness.of(source.inSync(), source.peers());
            HealthCheckResponseBuilder b = HealthCheckResponse.named("bgp-speaker")
                    .withData("datastore", r.inSync() ? "in sync" : "not in sync").withData("peers", r.peers())
                    .withData("established", r.established());
            r.waiting().forEach(b::withData);
            return r.ready() ? b.up().build() : b.down().withData("reason", r.reason()).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.up("bgp-speaker-http");
        }
    }
}
