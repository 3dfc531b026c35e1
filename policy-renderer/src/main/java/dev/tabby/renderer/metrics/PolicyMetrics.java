package dev.tabby.renderer.metrics;

import dev.tabby.renderer.agent.PolicyAgent;
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
 * Prometheus meters: {@code tabby_policy_applies_total}, {@code tabby_policy_apply_failures_total},
 * {@code tabby_policy_resyncs_total}, {@code tabby_policy_restore_calls_total}, {@code tabby_policy_last_apply_seconds},
 * {@code tabby_policy_chains}, {@code tabby_policy_rules}, {@code tabby_policy_ipsets}, {@code tabby_policy_endpoints}
 * and {@code tabby_policy_ready}. All read the agent when scraped.
 */
@ApplicationScoped
public class PolicyMetrics {
    @Inject
    PolicyService service;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent start) {
        FunctionCounter.builder("tabby.policy.applies", service, agent(a -> a.counters().applies()))
                .description("Applies attempted, failed ones included").register(registry);
        FunctionCounter.builder("tabby.policy.apply.failures", service, agent(a -> a.counters().failures()))
                .description("Applies that failed (iptables-restore or ipset refused, or the xtables lock timed out)")
                .register(registry);
        FunctionCounter.builder("tabby.policy.resyncs", service, agent(a -> a.counters().resyncs()))
                .description("Kernel re-reads that repair tampering").register(registry);
        FunctionCounter.builder("tabby.policy.restore.calls", service, agent(a -> a.manager().restoreCalls()))
                .description("iptables-restore calls that wrote or failed").register(registry);
        Gauge.builder("tabby.policy.last.apply.seconds", service,
                        agent(a -> a.counters().lastApplyDuration().toNanos() / 1e9))
                .description("Wall time of the last apply").register(registry);
        Gauge.builder("tabby.policy.chains", service, agent(a -> a.counts().chains()))
                .description("Chains Tabby owns, all tables and IP versions").register(registry);
        Gauge.builder("tabby.policy.rules", service,
                        agent(a -> a.counts().rules().values().stream().mapToInt(Integer::intValue).sum()))
                .description("Rules in the chains Tabby owns").register(registry);
        Gauge.builder("tabby.policy.ipsets", service, agent(a -> a.counts().ipSets()))
                .description("IP sets Tabby owns").register(registry);
        Gauge.builder("tabby.policy.endpoints", service, agent(a -> a.endpoints().size()))
                .description("Local workload and host endpoints").register(registry);
        Gauge.builder("tabby.policy.ready", service, agent(a -> a.ready() ? 1.0 : 0.0))
                .description("1 when in sync and the last apply succeeded").register(registry);
    }

    private static ToDoubleFunction<PolicyService> agent(ToDoubleFunction<PolicyAgent> f) {
        return s -> s.started().map(f::applyAsDouble).orElse(0.0);
    }

}
