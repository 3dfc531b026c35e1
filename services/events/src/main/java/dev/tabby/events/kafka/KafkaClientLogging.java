package dev.tabby.events.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps kafka-clients' own logging to what a node's log needs. kafka-clients logs through slf4j, which in the
 * services ends in java.util.logging (Quarkus' JBoss LogManager; slf4j-jdk14 in the CNI daemon): at INFO it prints
 * its whole configuration per client, and with the broker gone NetworkClient warns at every reconnect attempt. The
 * outlet logs each change of state itself ({@code event=kafka_unreachable}, {@code event=kafka_delivering}), so:
 * kafka-clients at WARNING, NetworkClient at SEVERE. A level the operator set (e.g. Quarkus'
 * {@code quarkus.log.category."org.apache.kafka".level}) is left as it is.
 */
final class KafkaClientLogging {
    /** Held so that the levels set here stay (java.util.logging keeps loggers only weakly). */
    private static final List<Logger> HELD = new ArrayList<>();

    private KafkaClientLogging() {
    }

    /** Sets the levels, the first time a Kafka client of ours is made in this JVM. */
    static synchronized void apply() {
        if (HELD.isEmpty()) {
            HELD.add(quiet("org.apache.kafka", Level.WARNING));
            HELD.add(quiet("org.apache.kafka.clients.NetworkClient", Level.SEVERE));
        }
    }

    private static Logger quiet(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        if (logger.getLevel() == null) {
            logger.setLevel(level);
        }
        return logger;
    }
}
