package dev.tabby.probe.service;

import dev.tabby.probe.Probe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * One gauge per check: {@code tabby_probe_check_status{check="module-ipip"}} is 0 pass, 1 skip, 2 warn, 3 fail, -1
 * before the first probe; alert on {@code == 3}. {@code tabby_probe_datastore_connected} is 1 while etcd answers, 0
 * while it is unreachable, -1 before the first question.
 */
@ApplicationScoped
public class ProbeMetrics {
    @Inject
    ProbeRunner runner;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent start) {
        Gauge.builder("tabby_probe_datastore_connected", () -> switch (runner.datastore().current().state()) {
            case CONNECTED -> 1.0;
            case UNREACHABLE -> 0.0;
            case UNKNOWN -> -1.0;
        }).description("etcd reachable: 1 connected, 0 unreachable, -1 not asked yet").register(registry);
        for (String id : new Probe().ids()) {
            Gauge.builder("tabby_probe_check_status", () -> code(id))
                    .description("Requirements check verdict: 0 pass, 1 skip, 2 warn, 3 fail, -1 not yet probed")
                    .tag("check", id).register(registry);
        }
    }

    private double code(String id) {
        return runner.latest().flatMap(r -> r.check(id)).map(c -> switch (c.status()) {
            case PASS -> 0.0;
            case SKIP -> 1.0;
            case WARN -> 2.0;
            case FAIL -> 3.0;
        }).orElse(-1.0);
    }
}
