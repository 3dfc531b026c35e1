package dev.tabby.vxlan.health;

import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.manager.VxlanStatus;
import dev.tabby.vxlan.service.VxlanService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: in sync, the last apply succeeded, and VXLAN is settled. Liveness: the apply loop turns. */
public final class VxlanHealth {
    /** An apply this long is stuck in the kernel. */
    static final Duration STUCK_AFTER = Duration.ofMinutes(2);

    private VxlanHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        VxlanService service;

        @Override
        public HealthCheckResponse call() {
            if (service.started().isEmpty()) {
                return HealthCheckResponse.named("vxlan").down().withData("reason", "starting").build();
            }
            VxlanAgent agent = service.agent();
            LoopStatus loop = agent.loopStatus();
            VxlanStatus vxlan = agent.status();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("vxlan").withData("node", agent.node())
                    .withData("datastore", agent.syncStatus().name()).withData("state", vxlan.state())
                    .withData("vteps", vxlan.vteps().size()).withData("routes", vxlan.routes().size());
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
        VxlanService service;

        @Override
        public HealthCheckResponse call() {
            boolean turning = service.started().map(a -> a.turning(STUCK_AFTER)).orElse(true);
            HealthCheckResponseBuilder b = HealthCheckResponse.named("vxlan-apply-loop");
            return turning ? b.up().build()
                    : b.down().withData("reason", "the apply loop stopped or an apply has run for over "
                            + STUCK_AFTER.toSeconds() + " s").build();
        }
    }
}
