package dev.tabby.runtime.events;

import dev.tabby.events.EventHub;
import dev.tabby.events.kafka.KafkaOutlet;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The ways events leave this node: a Kafka outlet per topic when TABBY_KAFKA_BOOTSTRAP is set, none otherwise.
 * A bad bootstrap is reported once and leaves the service without Kafka: the dataplane never depends on the bus.
 */
@ApplicationScoped
public class EventOutlets {
    private static final Logger LOG = Logger.getLogger(EventOutlets.class);

    @ConfigProperty(name = "TABBY_KAFKA_BOOTSTRAP")
    Optional<String> bootstrap;

    @ConfigProperty(name = "tabby.events.kafka.queue", defaultValue = "10000")
    int queue;

    private final List<KafkaOutlet> kafka = new CopyOnWriteArrayList<>();

    /** Sends what {@code hub} publishes to Kafka topic {@code topic}, when Kafka is configured. */
    public void attach(EventHub hub, String topic) {
        String servers = bootstrap.map(String::trim).orElse("");
        if (servers.isEmpty()) {
            return;
        }
        try {
            KafkaOutlet outlet = new KafkaOutlet(servers, topic, queue); // checks the bootstrap's form
            kafka.add(outlet);
            hub.addOutlet(outlet);
            LOG.infof("event=kafka_outlet_started topic=%s bootstrap=%s queue=%d", topic, servers, queue);
        } catch (IllegalArgumentException e) {
            LOG.errorf("event=kafka_outlet_refused topic=%s problem=\"%s\"", topic, e.getMessage());
        }
    }

    /** Events Kafka did not get: its queue was full, or it did not take them in time (broker down or slow). */
    public long dropped() {
        long n = 0;
        for (KafkaOutlet o : kafka) {
            n += o.dropped();
        }
        return n;
    }

    /** Events Kafka acknowledged. */
    public long sent() {
        long n = 0;
        for (KafkaOutlet o : kafka) {
            n += o.sent();
        }
        return n;
    }

    public boolean kafkaConfigured() {
        return !kafka.isEmpty();
    }

    void close() {
        for (KafkaOutlet o : kafka) {
            o.close();
        }
        kafka.clear();
    }
}
