package dev.tabby.renderer.flows;

import dev.tabby.renderer.service.PolicyService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.ToDoubleFunction;

/**
 * Flow logs' meters: {@code tabby_flows_verdicts_read_total}, {@code tabby_flows_rate_limited_total},
 * {@code tabby_flows_records_emitted_total}, {@code tabby_flows_netlink_overruns_total}, {@code tabby_flows_foreign_total}
 * and {@code tabby_flows_on}. All read the flow logs when scraped.
 */
@ApplicationScoped
public class FlowMetrics {
    @Inject
    PolicyService service;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent start) {
        FunctionCounter.builder("tabby.flows.verdicts.read", service, flows(FlowLogs::verdictsRead))
                .description("Verdicts (first packets) read from NFLOG, before the rate limit").register(registry);
        FunctionCounter.builder("tabby.flows.rate.limited", service, flows(FlowLogs::rateLimited))
                .description("Verdicts dropped by the rate limit (tabby.dev/flow-logs-rate-limit)").register(registry);
        FunctionCounter.builder("tabby.flows.records.emitted", service, flows(FlowLogs::recordsEmitted))
                .description("Flow records published").register(registry);
        FunctionCounter.builder("tabby.flows.netlink.overruns", service, flows(FlowLogs::overruns))
                .description("Times the kernel dropped NFLOG or conntrack messages: a reader's buffer was full")
                .register(registry);
        FunctionCounter.builder("tabby.flows.foreign", service, flows(FlowLogs::foreignPackets))
                .description("Packets logged into the flow-log groups by rules that are not Tabby's").register(registry);
        Gauge.builder("tabby.flows.on", service, flows(f -> f.on() ? 1 : 0))
                .description("1 while flow logs are captured on this node").register(registry);
    }

    private static ToDoubleFunction<PolicyService> flows(ToDoubleFunction<FlowLogs> f) {
        return s -> s.started().map(a -> f.applyAsDouble(a.flows())).orElse(0.0);
    }
}
