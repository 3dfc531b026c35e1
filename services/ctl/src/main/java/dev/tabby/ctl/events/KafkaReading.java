package dev.tabby.ctl.events;

import dev.tabby.events.kafka.KafkaEventReader;

/** The binding of {@link KafkaFeed.TopicReader} to services/events' {@link KafkaEventReader}. */
public final class KafkaReading {
    private KafkaReading() {
    }

    /**
     * A reader of the cluster's topics at {@code bootstrap} (kafka-clients' bootstrap.servers, already checked by
     * KafkaBootstrap.parse). Each read uses its own consumer, without a group: tabbyctl commits nothing.
     */
    public static KafkaFeed.TopicReader at(String bootstrap) {
        return (topic, since, follow, each) -> {
            try (KafkaEventReader reader = new KafkaEventReader(bootstrap)) {
                // Follow ends with the process (interrupt): nothing asks the reader to stop sooner.
                reader.read(topic, since, follow, event -> false, each);
                return reader.skipped();
            }
        };
    }
}
