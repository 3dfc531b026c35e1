package dev.tabby.runtime.events;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Prometheus: {@code tabby_events_published_total}, {@code tabby_events_dropped_total{where=channel|reader|kafka}} and
 * {@code tabby_events_kafka_sent_total}, read when scraped.
 */
@ApplicationScoped
public class EventMetrics {
    @Inject
    ServiceEvents events;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent start) {
        FunctionCounter.builder("tabby.events.published", events, ServiceEvents::published)
                .description("Events this service published (kept for /v1/events, handed to readers and outlets)")
                .register(registry);
        String dropped = "Events dropped, by where: the service's channel was full, a /v1/events reader was slow, Kafka was"
                + " down, slow or refused";
        FunctionCounter.builder("tabby.events.dropped", events, ServiceEvents::refused).tag("where", "channel")
                .description(dropped).register(registry);
        FunctionCounter.builder("tabby.events.dropped", events, ServiceEvents::readerDrops).tag("where", "reader")
                .description(dropped).register(registry);
        FunctionCounter.builder("tabby.events.dropped", events, ServiceEvents::kafkaDrops).tag("where", "kafka")
                .description(dropped).register(registry);
        FunctionCounter.builder("tabby.events.kafka.sent", events.outlets(), EventOutlets::sent)
                .description("Events Kafka acknowledged").register(registry);
    }
}
