package dev.tabby.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** TABBY_KAFKA_BOOTSTRAP: unset means no Kafka; a malformed value is refused before any client is made. */
class KafkaBootstrapTest {

    @Test
    void unsetOrBlankMeansNoKafka() {
        assertEquals(Optional.empty(), KafkaOutlet.fromEnvironment(Map.of(), KafkaOutlet.EVENTS_TOPIC, 10));
        assertEquals(Optional.empty(), KafkaOutlet.fromEnvironment(Map.of("TABBY_KAFKA_BOOTSTRAP", "  "), KafkaOutlet.EVENTS_TOPIC, 10));
    }

    @Test
    void wellFormedListsAreTakenWithoutTheirSpaces() {
        assertEquals("127.0.0.1:9092,kafka-1.tabby.svc:9093,[fd00::1]:9094",
                KafkaBootstrap.parse("127.0.0.1:9092, kafka-1.tabby.svc:9093 ,[fd00::1]:9094", "TABBY_KAFKA_BOOTSTRAP"));
    }

    @Test
    void malformedValuesAreRefusedInOneLineNamingTheVariable() {
        Map<String, String> why = Map.of(
                "kafka", "'kafka' has no port",
                "kafka:", "'kafka:' has a port that is not 1-65535",
                "kafka:0", "'kafka:0' has a port that is not 1-65535",
                "kafka:http", "'kafka:http' has a port that is not 1-65535",
                "127.0.0.1:9092,", "it has an empty entry",
                ":9092", "':9092' has no valid host name or address before the port",
                "http://kafka:9092", "'http://kafka:9092' has no valid host name or address before the port");
        why.forEach((value, reason) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KafkaOutlet.fromEnvironment(Map.of("TABBY_KAFKA_BOOTSTRAP", value), KafkaOutlet.EVENTS_TOPIC, 10));
            assertTrue(e.getMessage().startsWith("TABBY_KAFKA_BOOTSTRAP='" + value + "' is not a list of host:port: " + reason),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("set it like 127.0.0.1:9092 or kafka-0:9092,kafka-1:9092"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KafkaOutlet("kafka-0", KafkaOutlet.EVENTS_TOPIC, 10));
        assertTrue(e.getMessage().startsWith("TABBY_KAFKA_BOOTSTRAP='kafka-0' is not a list of host:port"), e.getMessage());
    }
}
