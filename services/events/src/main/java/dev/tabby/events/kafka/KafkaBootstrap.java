package dev.tabby.events.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka bootstrap servers a node is told about in {@value #VARIABLE}: comma-separated {@code host:port}
 * ({@code [v6]:port} for an IPv6 literal). Checked here, before a client is made, because kafka-clients would
 * otherwise fail later with a message that does not name the variable.
 */
public final class KafkaBootstrap {
    public static final String VARIABLE = "TABBY_KAFKA_BOOTSTRAP";
    private static final String HOST = "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?";
    private static final String V6 = "\\[[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?]";

    private KafkaBootstrap() {
    }

    /** The bootstrap from {@code env}, empty when the variable is unset or blank (Kafka is optional). */
    public static Optional<String> fromEnvironment(Map<String, String> env) {
        String value = env.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parse(value, VARIABLE));
    }

    /**
     * {@code value} as kafka-clients' {@code bootstrap.servers} (spaces around entries removed); an
     * IllegalArgumentException naming {@code origin} (the variable or flag it came from) when an entry is not
     * {@code host:port}.
     */
    public static String parse(String value, String origin) {
        if (value == null || value.isBlank()) {
            throw refused(origin, value, "it is empty");
        }
        List<String> out = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                throw refused(origin, value, "it has an empty entry");
            }
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                throw refused(origin, value, "'" + entry + "' has no port");
            }
            String host = entry.substring(0, colon);
            String port = entry.substring(colon + 1);
            if (!host.matches(HOST) && !host.matches(V6)) {
                throw refused(origin, value, "'" + entry + "' has no valid host name or address before the port");
            }
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw refused(origin, value, "'" + entry + "' has a port that is not 1-65535");
            }
            out.add(entry);
        }
        return String.join(",", out);
    }

    private static IllegalArgumentException refused(String origin, String value, String why) {
        return new IllegalArgumentException(origin + "='" + (value == null ? "" : value) + "' is not a list of host:port: "
                + why + "; set it like 127.0.0.1:9092 or kafka-0:9092,kafka-1:9092");
    }
}
