package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import dev.tabby.events.kafka.KafkaBroker;
import dev.tabby.events.kafka.KafkaOutlet;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tabbyctl events} and {@code flows} reading the cluster's topics from a real single-node Kafka
 * (services/events' KafkaBroker), written by the services' own KafkaOutlet: without -f, the topic up to now.
 */
@Timeout(180)
class KafkaSourceTest {
    private static KafkaBroker broker;

    @BeforeAll
    static void start(@TempDir Path dir) throws InterruptedException {
        broker = KafkaBroker.start(dir.resolve("kafka"));
        try (KafkaOutlet events = new KafkaOutlet(broker.bootstrap(), KafkaOutlet.EVENTS_TOPIC, 100);
             KafkaOutlet flows = new KafkaOutlet(broker.bootstrap(), KafkaOutlet.FLOWS_TOPIC, 100)) {
            for (CloudEvent e : new CloudEvent[] {EventsCommandTest.ROUTE, EventsCommandTest.PEER, EventsCommandTest.WORKLOAD}) {
                assertTrue(events.offer(e));
            }
            assertTrue(flows.offer(FlowsCommandTest.flowEvent(FlowsCommandTest.ALLOWED)));
            assertTrue(flows.offer(FlowsCommandTest.flowEvent(FlowsCommandTest.DENIED_ICMP)));
            // The outlet sends in the background: wait until the broker has acknowledged everything.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((events.sent() < 3 || flows.sent() < 2) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(3, events.sent(), "events acknowledged by the broker");
            assertEquals(2, flows.sent(), "flows acknowledged by the broker");
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void eventsFromTheTopicWithTheBootstrapFlag() {
        FeedRun.Result r = FeedRun.run("events", "--kafka-bootstrap", broker.bootstrap());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(EventsCommandTest.TABLE, r.out(), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void flowsFromTheTopicWithTheEnvironmentsBootstrap() {
        FeedRun.Result r = FeedRun.runWith(Map.of("TABBY_KAFKA_BOOTSTRAP", broker.bootstrap()),
                "flows", "--denied", "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(1, r.out().lines().count(), r.toString());
        assertTrue(r.out().contains("\"policy\":\"default.deny-icmp\""), r.toString());
    }

    @Test
    void filtersApplyToTheTopic() {
        FeedRun.Result r = FeedRun.run("events", "--kafka-bootstrap", broker.bootstrap(), "--node", "node-b", "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(EventJson.encode(EventsCommandTest.PEER) + "\n", r.out(), r.toString());
    }

    @Test
    void aBrokerThatDoesNotAnswerFailsWithOneLine() throws Exception {
        int dead = EventsCommandTest.deadPort();
        FeedRun.Result r = FeedRun.run("events", "--kafka-bootstrap", "127.0.0.1:" + dead);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().startsWith("tabbyctl: could not read Kafka topic tabby.events at 127.0.0.1:" + dead + ": "),
                r.toString());
    }
}
