package dev.tabby.ipip.metrics;

import dev.tabby.dataplane.loop.LoopCounters;
import dev.tabby.ipip.agent.IpipAgent;
import dev.tabby.ipip.service.IpipService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus meters: {@code tabby_ipip_applies_total}, {@code tabby_ipip_apply_failures_total},
 * {@code tabby_ipip_resyncs_total}, {@code tabby_ipip_last_apply_seconds}, {@code tabby_ipip_routes},
 * {@code tabby_ipip_routes_owned} (1 while ipip-manager programs the routes, 0 while bgp-speaker does) and
 * {@code tabby_ipip_ready}. All read the agent when scraped.
 */
@ApplicationScoped
public class IpipMetrics {
    @Inject
    IpipService service;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent start) {
        FunctionCounter.builder("tabby.ipip.applies", service, counter(LoopCounters::applies))
                .description("Applies attempted, failed ones included").register(registry);
        FunctionCounter.builder("tabby.ipip.apply.failures", service, counter(LoopCounters::failures))
                .description("Applies that failed (a kernel write refused, or tunl0 could not be made right)")
                .register(registry);
        FunctionCounter.builder("tabby.ipip.resyncs", service, counter(LoopCounters::resyncs))
                .description("Kernel re-reads that repair drift").register(registry);
        Gauge.builder("tabby.ipip.last.apply.seconds", service,
                        agent(a -> a.counters().lastApplyDuration().toNanos() / 1e9))
                .description("Wall time of the last apply").register(registry);
        Gauge.builder("tabby.ipip.routes", service, agent(a -> a.status().routes().size()))
                .description("Routes of proto 82 programmed").register(registry);
        Gauge.builder("tabby.ipip.routes.owned", service,
                        agent(a -> "IPIP_MANAGER".equals(a.status().routeOwner()) ? 1.0 : 0.0))
                .description("1 while ipip-manager programs this node's IP-in-IP routes, 0 while bgp-speaker does")
                .register(registry);
        Gauge.builder("tabby.ipip.ready", service, agent(a -> a.ready() ? 1.0 : 0.0))
                .description("1 when in sync, applied and settled").register(registry);
    }

    private static ToDoubleFunction<IpipService> counter(java.util.function.ToLongFunction<LoopCounters> field) {
        return agent(a -> field.applyAsLong(a.counters()));
    }

    private static ToDoubleFunction<IpipService> agent(ToDoubleFunction<IpipAgent> f) {
        return s -> s.started().map(f::applyAsDouble).orElse(0.0);
    }
}
