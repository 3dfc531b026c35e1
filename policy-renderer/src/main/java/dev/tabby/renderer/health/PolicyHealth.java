package dev.tabby.renderer.health;

import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.renderer.agent.PolicyAgent;
import dev.tabby.renderer.service.PolicyService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: in sync and the last apply wrote everything. Liveness: the apply loop turns. */
public final class PolicyHealth {
    /** An apply this long is stuck (iptables-restore waits at most 10 s for the xtables lock). */
    static final Duration STUCK_AFTER = Duration.ofMinutes(2);

    private PolicyHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        PolicyService service;

        @Override
        public HealthCheckResponse call() {
            if (service.started().isEmpty()) {
                return HealthCheckResponse.named("policy").down().withData("reason", "starting").build();
            }
            PolicyAgent agent = service.agent();
            LoopStatus loop = agent.loopStatus();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("policy").withData("node", agent.node())
                    .withData("datastore", agent.syncStatus().name())
                    .withData("endpoints", agent.endpoints().size()).withData("chains", agent.counts().chains());
            if (loop.lastError() != null) {
                b.withData("lastError", loop.lastError());
            }
            return agent.ready() ? b.up().build() : b.down().withData("reason", agent.reason()).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {
        @Inject
        PolicyService service;

        @Override
        public HealthCheckResponse call() {
            boolean turning = service.started().map(a -> a.turning(STUCK_AFTER)).orElse(true);
            HealthCheckResponseBuilder b = HealthCheckResponse.named("policy-apply-loop");
            return turning ? b.up().build()
                    : b.down().withData("reason", "the apply loop stopped or an apply has run for over "
                            + STUCK_AFTER.toSeconds() + " s").build();
        }
    }
}
