package dev.tabby.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The outlet against a real single-node KRaft broker (KafkaBroker), the way a service's EventHub uses it. */
@Timeout(300)
class KafkaOutletTest {
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
    void eventsOfTwoNodesArriveInOrderPerNodeKeyedByNodeAsCloudEvents() {
        String topic = "tabby.events." + UUID.randomUUID();
        EventFactory a = new EventFactory("node-a", "vxlan-manager");
        EventFactory b = new EventFactory("node-b", "policy-renderer");
        List<CloudEvent> sentA = new ArrayList<>();
        List<CloudEvent> sentB = new ArrayList<>();
        try (KafkaOutlet outlet = new KafkaOutlet(broker.bootstrap(), topic, 10_000)) {
            for (int i = 0; i < 300; i++) {
                CloudEvent ea = a.make("route.added", "10.65.0." + i + "/32", Map.of("n", i));
                CloudEvent eb = b.make("endpoint.programmed", "wep-" + i, Map.of("n", i, "policies", List.of("default.allow")));
                sentA.add(ea);
                sentB.add(eb);
                assertTrue(outlet.offer(ea));
                assertTrue(outlet.offer(eb));
            }
            Poll.until("600 events acknowledged", Duration.ofSeconds(60), () -> outlet.sent() == 600,
                    () -> "sent=" + outlet.sent() + " dropped=" + outlet.dropped() + " queued=" + outlet.queued());
            assertEquals(0, outlet.dropped());
            assertEquals(0, outlet.queued());
        }

        // the records as they are on the topic: key = node, value = the CloudEvents JSON, per node in sequence order
        List<ConsumerRecord<String, String>> records = rawRecords(topic, 600);
        List<CloudEvent> gotA = new ArrayList<>();
        List<CloudEvent> gotB = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            CloudEvent e = EventJson.decode(r.value());
            assertEquals(e.node(), r.key(), "record key is the event's node");
            (e.node().equals("node-a") ? gotA : gotB).add(e);
        }
        assertEquals(sentA, gotA, "node-a's events, all, in order, field for field");
        // and tabbyctl's reader, started after it all happened, reads the same from the topic
        List<CloudEvent> late = new ArrayList<>();
        try (KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            assertEquals(600, reader.read(topic, null, false, e -> false, late::add));
            assertEquals(0, reader.skipped());
        }
        assertEquals(sentA, late.stream().filter(e -> "node-a".equals(e.node())).toList());
        assertEquals(sentB, late.stream().filter(e -> "node-b".equals(e.node())).toList());
        assertEquals(sentB, gotB, "node-b's events, all, in order, field for field");
        CloudEvent first = gotB.get(0);
        assertEquals("/nodes/node-b/policy-renderer", first.source());
        assertEquals("dev.tabby.policy-renderer.endpoint.programmed", first.type());
        assertEquals(1, first.sequenceNumber());
        assertEquals(List.of("default.allow"), first.data().get("policies"));
    }

    @Test
    void brokerKilledMidStreamOfferNeverWaitsDropsAreCountedAndDeliveryResumesAfterRestart(@TempDir Path dir) {
        String topic = "tabby.events";
        EventFactory a = new EventFactory("node-a", "vxlan-manager");
        EventFactory b = new EventFactory("node-b", "ipip-manager");
        EventHub hub = new EventHub(64);
        long slowestOfferNanos = 0;
        try (KafkaBroker own = KafkaBroker.start(dir.resolve("kafka"));
             KafkaOutlet outlet = new KafkaOutlet(own.bootstrap(), topic, 200)) {
            hub.addOutlet(outlet);
            for (int i = 0; i < 100; i++) {
                hub.publish(a.make("route.added", null, Map.of("phase", "before")));
                hub.publish(b.make("route.added", null, Map.of("phase", "before")));
            }
            Poll.until("the first 200 events acknowledged", Duration.ofSeconds(60), () -> outlet.sent() == 200,
                    () -> "sent=" + outlet.sent() + " dropped=" + outlet.dropped());

            own.kill();
            // the dataplane goes on emitting: every publish must return at once while Kafka is gone
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int during = 0;
            while (outlet.dropped() == 0 || during < 1000) {
                long t0 = System.nanoTime();
                hub.publish((during % 2 == 0 ? a : b).make("route.added", null, Map.of("phase", "during")));
                slowestOfferNanos = Math.max(slowestOfferNanos, System.nanoTime() - t0);
                during++;
                sleepMillis(1);
                assertTrue(System.nanoTime() < deadline, "no event dropped within 90 s of the broker's death: sent="
                        + outlet.sent() + " queued=" + outlet.queued());
            }
            assertTrue(outlet.dropped() > 0);
            assertTrue(slowestOfferNanos < 50_000_000L, "publish took " + slowestOfferNanos / 1_000_000 + " ms with Kafka down");

            own.restart();
            // events resume by themselves: keep emitting until one made after the restart is on the topic
            List<CloudEvent> seen = new CopyOnWriteArrayList<>();
            deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (seen.stream().noneMatch(e -> "after".equals(e.data().get("phase")))) {
                hub.publish(a.make("route.added", null, Map.of("phase", "after")));
                hub.publish(b.make("route.added", null, Map.of("phase", "after")));
                sleepMillis(200);
                seen.clear();
                readAll(own.bootstrap(), topic, seen);
                assertTrue(System.nanoTime() < deadline, "no event made after the restart reached Kafka within 120 s: sent="
                        + outlet.sent() + " dropped=" + outlet.dropped());
            }
            // once delivering again, nothing more is lost
            long droppedBefore = outlet.dropped();
            long sentBefore = outlet.sent();
            for (int i = 0; i < 50; i++) {
                hub.publish(a.make("route.added", null, Map.of("phase", "final")));
            }
            Poll.until("50 final events acknowledged", Duration.ofSeconds(60), () -> outlet.sent() >= sentBefore + 50
                    && outlet.queued() == 0, () -> "sent=" + outlet.sent() + " dropped=" + outlet.dropped());
            assertEquals(droppedBefore, outlet.dropped());

            seen.clear();
            readAll(own.bootstrap(), topic, seen);
            assertEquals(200, seen.stream().filter(e -> "before".equals(e.data().get("phase"))).count(),
                    "what Kafka acknowledged before its death is still on the topic after the restart");
            assertEquals(50, seen.stream().filter(e -> "final".equals(e.data().get("phase"))).count());
            assertInOrderPerNode(seen);
        }
    }

    @Test
    void aBootstrapNameThatDoesNotResolveCostsEventsNotTheService() {
        EventFactory f = new EventFactory("node-a", "cni");
        long slowestOfferNanos = 0;
        // kafka-clients refuses to make a producer for it: the outlet must still be made and take events at once
        try (KafkaOutlet outlet = new KafkaOutlet("kafka-0.tabby.invalid:9092", KafkaOutlet.EVENTS_TOPIC, 10)) {
            for (int i = 0; i < 100; i++) {
                long t0 = System.nanoTime();
                outlet.offer(f.make("workload.added", "default/pod-" + i, Map.of()));
                slowestOfferNanos = Math.max(slowestOfferNanos, System.nanoTime() - t0);
            }
            Poll.until("all 100 events dropped", Duration.ofSeconds(30), () -> outlet.dropped() == 100,
                    () -> "dropped=" + outlet.dropped() + " queued=" + outlet.queued());
            assertEquals(0, outlet.sent());
        }
        assertTrue(slowestOfferNanos < 50_000_000L, "offer took " + slowestOfferNanos / 1_000_000 + " ms");
    }

    private static void assertInOrderPerNode(List<CloudEvent> events) {
        Map<String, Long> last = new java.util.HashMap<>();
        for (CloudEvent e : events) {
            long previous = last.getOrDefault(e.source(), 0L);
            assertTrue(e.sequenceNumber() > previous, e.source() + " sequence " + e.sequenceNumber() + " after " + previous);
            last.put(e.source(), e.sequenceNumber());
        }
    }

    private static void readAll(String bootstrap, String topic, List<CloudEvent> into) {
        try (KafkaEventReader reader = new KafkaEventReader(bootstrap)) {
            reader.read(topic, null, false, e -> false, into::add);
        }
    }

    /** The first {@code count} records of the topic's partitions, read with a plain consumer. */
    static List<ConsumerRecord<String, String>> rawRecords(String topic, int count) {
        Map<String, Object> conf = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(conf, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Predicate<List<?>> done = l -> l.size() >= count;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertEquals(count, out.size(), "records on " + topic);
        return out;
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
