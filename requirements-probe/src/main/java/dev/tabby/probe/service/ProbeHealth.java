package dev.tabby.probe.service;

import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Report;
import dev.tabby.probe.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: etcd is reachable, a report exists and no check fails. Liveness: the schedule keeps turning (an etcd
 * outage never takes it down: restarting the service would not bring etcd back).
 */
public final class ProbeHealth {
    private ProbeHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        ProbeRunner runner;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("requirements").withData("node", runner.node());
            DatastoreState.Snapshot ds = runner.datastore().current();
            b.withData("datastore", ds.state().label());
            if (ds.since() != null) {
                b.withData("datastoreSince", ds.since().toString());
            }
            Optional<Report> report = runner.latest();
            String failing = report.map(r -> String.join(",", r.checks().stream()
                    .filter(c -> c.status() == Status.FAIL).map(CheckResult::id).toList())).orElse("");
            if (!failing.isEmpty()) {
                b.withData("failing", failing);
            }
            report.ifPresent(r -> b.withData("time", r.time().toString()));
            runner.publishError().ifPresent(e -> b.withData("publish", e));
            if (ds.state() == DatastoreState.State.UNREACHABLE) {
                return b.down().withData("reason", ds.reason()).build();
            }
            if (report.isEmpty()) {
                return b.down().withData("reason", "the first probe has not finished yet").build();
            }
            return failing.isEmpty() ? b.up().build() : b.down().withData("reason", "checks fail: " + failing).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {
        @Inject
        ProbeRunner runner;

        @Override
        public HealthCheckResponse call() {
            Duration allowed = runner.settings().interval().multipliedBy(3).plusMinutes(1);
            Optional<Instant> last = runner.lastRun();
            boolean turning = last.isEmpty() || Duration.between(last.get(), Instant.now()).compareTo(allowed) < 0;
            HealthCheckResponseBuilder b = HealthCheckResponse.named("probe-schedule");
            last.ifPresent(t -> b.withData("lastRun", t.toString()));
            return turning ? b.up().build() : b.down().withData("reason", "no probe for " + allowed.toSeconds() + " s").build();
        }
    }
}
