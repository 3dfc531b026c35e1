package dev.tabby.ipip.health;

import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.ipip.agent.IpipAgent;
import dev.tabby.ipip.manager.IpipStatus;
import dev.tabby.ipip.service.IpipService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: in sync, the last apply succeeded, and IP-in-IP is settled. Liveness: the apply loop turns. */
public final class IpipHealth {
    /** An apply this long is stuck in the kernel. */
    static final Duration STUCK_AFTER = Duration.ofMinutes(2);

    private IpipHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        IpipService service;

        @Override
        public HealthCheckResponse call() {
            if (service.started().isEmpty()) {
                return HealthCheckResponse.named("ipip").down().withData("reason", "starting").build();
            }
            IpipAgent agent = service.agent();
            LoopStatus loop = agent.loopStatus();
            IpipStatus ipip = agent.status();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("ipip").withData("node", agent.node())
                    .withData("datastore", agent.syncStatus().name()).withData("state", ipip.state()).withData("routeOwner", String.valueOf(ipip.routeOwner()))
                    .withData("routes", ipip.routes().size());
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
        IpipService service;

        @Override
        public HealthCheckResponse call() {
            boolean turning = service.started().map(a -> a.turning(STUCK_AFTER)).orElse(true);
            HealthCheckResponseBuilder b = HealthCheckResponse.named("ipip-apply-loop");
            return turning ? b.up().build()
                    : b.down().withData("reason", "the apply loop stopped or an apply has run for over "
                            + STUCK_AFTER.toSeconds() + " s").build();
        }
    }
}
