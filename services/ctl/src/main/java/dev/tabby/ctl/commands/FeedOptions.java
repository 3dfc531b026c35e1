package dev.tabby.ctl.commands;

import dev.tabby.ctl.Env;
import dev.tabby.ctl.events.EventFeed;
import dev.tabby.ctl.events.GoDuration;
import dev.tabby.ctl.events.KafkaFeed;
import dev.tabby.ctl.events.KafkaReading;
import dev.tabby.ctl.events.SseFeed;
import dev.tabby.events.kafka.KafkaBootstrap;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options {@code events} and {@code flows} share: what to read (a Kafka topic when a bootstrap is configured,
 * else the services' SSE endpoints on this node, or the endpoints named), from when, whether to follow, and how to
 * print.
 */
public final class FeedOptions {
    static final String KAFKA_VARIABLE = "TABBY_KAFKA_BOOTSTRAP";

    public enum Output { table, json }

    @Option(names = {"-f", "--follow"}, description = "Keep printing new ones as they happen, until interrupted.")
    boolean follow;

    @Option(names = "--node", paramLabel = "NODE", description = "Only those of this node.")
    String node;

    @Option(names = "--since", paramLabel = "DURATION", converter = SinceConverter.class,
            description = "Only those of the last DURATION (a Go duration: 30s, 10m, 1h30m).")
    Duration since;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json (one JSON document per line).")
    Output output;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Read this service's stream instead of the ones on this node (repeatable); "
                    + "http://HOST:PORT reads its default path.")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT",
            description = "Read the cluster's Kafka topic at these brokers (comma-separated; default: $"
                    + KAFKA_VARIABLE + "); without one, the services' own streams are read.")
    String kafkaBootstrap;

    /** Go durations, as the rest of Calico's settings; a non-positive one selects nothing and is refused. */
    static final class SinceConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = GoDuration.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (d.isNegative() || d.isZero()) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" is not a positive duration "
                        + "(Go durations: 30s, 10m, 1h30m)");
            }
            return d;
        }
    }

    boolean json() {
        return output == Output.json;
    }

    /** The earliest time to show, or null for everything there is. */
    Instant sinceInstant(Instant now) {
        return since == null ? null : now.minus(since);
    }

    /**
     * The feed to read: the named endpoints, else Kafka when a bootstrap is configured, else the local services.
     *
     * @param path       the SSE path, {@code /v1/events} or {@code /v1/flows}
     * @param localPorts the HTTP ports of the services on this node that serve it
     * @param typePrefix a server-side {@code ?type=} filter for the SSE, or null
     */
    EventFeed feed(CommandSpec spec, String path, List<Integer> localPorts, String topic, String typePrefix,
                   Instant sinceInstant) {
        if (!endpoints.isEmpty() && kafkaBootstrap != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--endpoint and --kafka-bootstrap name two different sources: give one of them");
        }
        if (kafkaBootstrap != null && kafkaBootstrap.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--kafka-bootstrap is empty: give HOST:PORT");
        }
        // Named endpoints win over the environment's broker: the operator asked for them.
        String bootstrap = kafkaBootstrap;
        String origin = "--kafka-bootstrap";
        if (bootstrap == null && endpoints.isEmpty()) {
            bootstrap = Env.get().get(KAFKA_VARIABLE);
            origin = KAFKA_VARIABLE;
        }
        if (bootstrap != null && !bootstrap.isBlank()) {
            String servers;
            try {
                servers = KafkaBootstrap.parse(bootstrap, origin);
            } catch (IllegalArgumentException e) {
                if (kafkaBootstrap != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                throw new CommandFailedException(e.getMessage());
            }
            return new KafkaFeed(KafkaReading.at(servers), servers, topic, sinceInstant, follow);
        }
        List<URI> uris = new ArrayList<>();
        if (endpoints.isEmpty()) {
            for (int port : localPorts) {
                uris.add(withType(URI.create("http://127.0.0.1:" + port + path), typePrefix));
            }
        } else {
            for (String e : endpoints) {
                uris.add(withType(endpoint(spec, e, path), typePrefix));
            }
        }
        return new SseFeed(uris, follow);
    }

    private static URI endpoint(CommandSpec spec, String text, String path) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw badEndpoint(spec, text, "not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw badEndpoint(spec, text, "not an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            throw badEndpoint(spec, text, "it names no host");
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
            uri = uri.resolve(path);
        }
        return uri;
    }

    private static CommandLine.ParameterException badEndpoint(CommandSpec spec, String text, String why) {
        return new CommandLine.ParameterException(spec.commandLine(), "--endpoint \"" + text + "\": " + why
                + " (e.g. http://10.0.0.5:9183)");
    }

    private static URI withType(URI uri, String typePrefix) {
        if (typePrefix == null) {
            return uri;
        }
        String q = "type=" + URLEncoder.encode(typePrefix, StandardCharsets.UTF_8);
        String s = uri.toString();
        return URI.create(s + (uri.getRawQuery() == null ? "?" : "&") + q);
    }
}
