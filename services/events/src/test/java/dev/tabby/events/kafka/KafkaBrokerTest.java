package dev.tabby.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The test broker itself: restart and kill keep its address and its topics; close leaves nothing behind. */
@Timeout(300)
class KafkaBrokerTest {

    @Test
    void restartAfterAStopOrAKillComesBackAtTheSameAddressWithItsTopicsAndCloseRemovesEverything(@TempDir Path tmp) {
        Path dir = tmp.resolve("kafka");
        long pid;
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            String bootstrap = broker.bootstrap();
            pid = broker.pid();
            assertEquals(OptionalLong.of(pid), KafkaBroker.runningPid(dir));
            send(broker, 10);

            broker.restart();
            assertEquals(bootstrap, broker.bootstrap());
            assertEquals(10, read(broker).size(), "the topic came back with a stopped broker");

            long before = broker.pid();
            broker.kill();
            assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false), "SIGKILL ended it");
            assertFalse(KafkaBroker.runningPid(dir).isPresent());
            broker.restart();
            send(broker, 5);
            assertEquals(15, read(broker).size(), "the topic came back with a killed broker");
            pid = broker.pid();
        }
        long last = pid;
        assertFalse(ProcessHandle.of(last).map(ProcessHandle::isAlive).orElse(false), "close stopped the broker");
        assertFalse(Files.exists(dir), "close deleted the broker's directory");
    }

    @Test
    void aDetachedBrokerIsStoppedByItsPidAndRefusesAnotherPort(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("kafka");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        KafkaBroker broker = KafkaBroker.startDetached(dir, port);
        try {
            assertEquals("127.0.0.1:" + port, broker.bootstrap());
            assertTrue(Files.readString(broker.logFile()).contains("Kafka Server started"), "the broker logs in its dir");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaBroker.startDetached(dir, port + 1));
            assertTrue(e.getMessage().contains("was made for port " + port), e.getMessage());
            assertTrue(KafkaBroker.stopPid(broker.pid()));
            assertFalse(KafkaBroker.runningPid(dir).isPresent());
            assertFalse(KafkaBroker.stopPid(ProcessHandle.current().pid()), "a PID that is not a Kafka broker is left alone");
        } finally {
            broker.close();
        }
    }

    private static void send(KafkaBroker broker, int n) {
        EventFactory f = new EventFactory("node-a", "vxlan-manager");
        try (KafkaOutlet outlet = new KafkaOutlet(broker.bootstrap(), "tabby.events", 100)) {
            for (int i = 0; i < n; i++) {
                outlet.offer(f.make("vtep.added", "node-b", Map.of()));
            }
            Poll.until(n + " events acknowledged", Duration.ofSeconds(60), () -> outlet.sent() == n,
                    () -> "sent=" + outlet.sent() + " dropped=" + outlet.dropped());
        }
    }

    private static List<CloudEvent> read(KafkaBroker broker) {
        List<CloudEvent> got = new ArrayList<>();
        try (KafkaEventReader reader = new KafkaEventReader(broker.bootstrap())) {
            reader.read("tabby.events", null, false, e -> false, got::add);
        }
        return got;
    }
}
