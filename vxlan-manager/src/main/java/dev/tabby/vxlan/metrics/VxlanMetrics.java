package dev.tabby.vxlan.metrics;

import dev.tabby.dataplane.loop.LoopCounters;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.service.VxlanService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus meters: {@code tabby_vxlan_applies_total}, {@code tabby_vxlan_apply_failures_total},
 * {@code tabby_vxlan_resyncs_total}, {@code tabby_vxlan_last_apply_seconds}, {@code tabby_vxlan_vteps},
 * {@code tabby_vxlan_routes} and {@code tabby_vxlan_ready} (1 or 0). All read the agent when scraped.
 */
@ApplicationScoped
public class VxlanMetrics {
    @Inject
    VxlanService service;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent start) {
        FunctionCounter.builder("tabby.vxlan.applies", service, counter(LoopCounters::applies))
                .description("Applies attempted, failed ones included").register(registry);
        FunctionCounter.builder("tabby.vxlan.apply.failures", service, counter(LoopCounters::failures))
                .description("Applies that failed (a kernel write refused, or the device could not be made right)")
                .register(registry);
        FunctionCounter.builder("tabby.vxlan.resyncs", service, counter(LoopCounters::resyncs))
                .description("Kernel re-reads that repair drift").register(registry);
        Gauge.builder("tabby.vxlan.last.apply.seconds", service,
                        agent(a -> a.counters().lastApplyDuration().toNanos() / 1e9))
                .description("Wall time of the last apply").register(registry);
        Gauge.builder("tabby.vxlan.vteps", service, agent(a -> a.status().vteps().size()))
                .description("Remote VTEPs programmed (one ARP and one FDB entry each)").register(registry);
        Gauge.builder("tabby.vxlan.routes", service, agent(a -> a.status().routes().size()))
                .description("Routes of proto 81 programmed").register(registry);
        Gauge.builder("tabby.vxlan.ready", service, agent(a -> a.ready() ? 1.0 : 0.0))
                .description("1 when in sync, applied and settled").register(registry);
    }

    private static ToDoubleFunction<VxlanService> counter(java.util.function.ToLongFunction<LoopCounters> field) {
        return agent(a -> field.applyAsLong(a.counters()));
    }

    private static ToDoubleFunction<VxlanService> agent(ToDoubleFunction<VxlanAgent> f) {
        return s -> s.started().map(f::applyAsDouble).orElse(0.0);
    }
}
