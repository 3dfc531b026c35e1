package dev.tabby.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventJson;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** tabbyctl's way back from Kafka: from the beginning, from a time, following, past records that are not events. */
@Timeout(180)
class KafkaEventReaderTest {
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker(@TempDir Path dir) {
        broker = KafkaBroker.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void sinceReadsOnlyWhatWasWrittenFromThatTime() throws InterruptedException {
        String topic = topic();
        EventFactory f = new EventFactory("node-a", "bgp-speaker");
        Instant mark;
        try (KafkaOutlet outlet = new KafkaOutlet(broker.bootstrap(), topic, 1000)) {
            for (int i = 0; i < 50; i++) {
                outlet.offer(f.make("peer.state", "10.0.0.1", Map.of("batch", "old")));
            }
            Poll.until("50 old events acknowledged", Duration.ofSeconds(60), () -> outlet.sent() == 50, () -> "sent=" + outlet.sent());
            Thread.sleep(20);
            mark = Instant.now();
            Thread.sleep(20);
            for (int i = 0; i < 30; i++) {
                outlet.offer(f.make("peer.state", "10.0.0.1", Map.of("batch", "new")));
            }
            Poll.until("80 events acknowledged", Duration.ofSeconds(60), () -> outlet.sent() == 80, () -> "sent=" + outlet.sent());
        }
        List<CloudEvent> got = new ArrayList<>();
        try (KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            assertEquals(30, reader.read(topic, mark, false, e -> false, got::add));
        }
        assertEquals(30, got.size());
        assertTrue(got.stream().allMatch(e -> "new".equals(e.data().get("batch"))), "only events written after the mark");
        assertEquals(51, got.get(0).sequenceNumber());

        List<CloudEvent> all = new ArrayList<>();
        try (KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            assertEquals(80, reader.read(topic, null, false, e -> false, all::add));
            List<CloudEvent> none = new ArrayList<>();
            assertEquals(0, reader.read(topic, Instant.now().plusSeconds(3600), false, e -> false, none::add),
                    "nothing written after a time to come");
        }
    }

    @Test
    void recordsThatAreNotCloudEventsAreSkippedAndCounted() {
        String topic = topic();
        CloudEvent good = new EventFactory("node-a", "cni").make("workload.added", "default/pod-1", Map.of("ip", "10.65.0.3"));
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, "node-a", "not json at all"));
            p.send(new ProducerRecord<>(topic, "node-a", "{\"specversion\":\"0.3\",\"id\":\"1\"}"));
            p.send(new ProducerRecord<>(topic, "node-a", EventJson.encode(good)));
            p.send(new ProducerRecord<>(topic, "node-a", EventJson.encode(good).replace(good.time().toString(), "yesterday")));
            p.send(new ProducerRecord<>(topic, "node-a", EventJson.encode(good).replace(good.time().toString(), "tomorrow")));
            p.send(new ProducerRecord<>(topic, "node-a", null));
            p.flush();
        }
        List<CloudEvent> got = new ArrayList<>();
        try (KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            assertEquals(1, reader.read(topic, null, false, e -> false, got::add));
            assertEquals(5, reader.skipped());
        }
        assertEquals(List.of(good), got);
        // two bad times are one kind of problem: logged once
        assertEquals(KafkaEventReader.kind("event time 'yesterday' is not an RFC 3339 time"),
                KafkaEventReader.kind("event time 'tomorrow' is not an RFC 3339 time"));
        assertFalse(KafkaEventReader.kind("event has no 'id'").equals(KafkaEventReader.kind("event has no 'type'")));
    }

    @Test
    void followDeliversWhatIsWrittenLaterUntilStopped() throws Exception {
        String topic = topic();
        EventFactory f = new EventFactory("node-b", "requirements-probe");
        List<CloudEvent> got = new CopyOnWriteArrayList<>();
        AtomicLong delivered = new AtomicLong(-1);
        try (KafkaOutlet outlet = new KafkaOutlet(broker.bootstrap(), topic, 1000);
             KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            // follow a topic that does not exist yet; stop after the 20th event
            Thread t = new Thread(() -> delivered.set(reader.read(topic, null, true, e -> e.sequenceNumber() == 20, got::add)));
            t.start();
            Thread.sleep(1000);
            assertTrue(t.isAlive(), "a follow waits for the topic to appear");
            for (int i = 0; i < 25; i++) {
                outlet.offer(f.make("check.changed", "ipip", Map.of("status", "ok")));
            }
            t.join(60_000);
            assertFalse(t.isAlive(), "the follow ended when its stop said so");
            assertEquals(20, delivered.get());
            assertEquals(20, got.size());
            assertEquals(20, got.get(19).sequenceNumber());
        }

        // and stop() from another thread ends a follow with no end of its own
        try (KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            AtomicLong n = new AtomicLong(-1);
            AtomicLong seen = new AtomicLong();
            Thread t = new Thread(() -> n.set(reader.read(topic, null, true, e -> false, e -> seen.incrementAndGet())));
            t.start();
            Poll.until("the follow read the 25 events", Duration.ofSeconds(30), () -> seen.get() == 25, () -> "read " + seen.get());
            reader.stop();
            t.join(30_000);
            assertFalse(t.isAlive(), "stop() ended the follow");
            assertEquals(25, n.get());
        }
    }

    @Test
    void aKafkaThatDoesNotAnswerIsReportedInOneLine() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (KafkaEventReader reader = new KafkaEventReader("127.0.0.1:" + closedPort)) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> reader.read("tabby.events", null, false, ev -> false, ev -> { }));
            assertTrue(e.getMessage().startsWith("Kafka at 127.0.0.1:" + closedPort + " did not answer within 10 s"), e.getMessage());
            assertTrue(e.getMessage().endsWith("check that it runs and that TABBY_KAFKA_BOOTSTRAP names it"), e.getMessage());
        }
    }

    private static String topic() {
        return "tabby.test." + UUID.randomUUID();
    }
}
