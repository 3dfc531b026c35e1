package dev.tabby.cni.daemon;

import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventSink;
import dev.tabby.events.kafka.KafkaOutlet;
import java.io.IOException;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The CNI daemon's events (issue 15), type {@code dev.tabby.cni.<what>}, source {@code /nodes/<node>/cni}: kept in a
 * hub for {@code GET /v1/events} on 127.0.0.1:{@value #DEFAULT_PORT} ({@value #PORT_VAR}; 0: no HTTP), and sent to
 * Kafka topic {@code tabby.events} when {@value #KAFKA_VAR} is set. Neither can fail the daemon: without its port or
 * its broker it serves CNI calls all the same, and says so once.
 */
public final class DaemonEvents implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DaemonEvents.class);
    static final String SERVICE = "cni";
    static final String PORT_VAR = "TABBY_CNI_HTTP_PORT";
    static final String KAFKA_VAR = "TABBY_KAFKA_BOOTSTRAP";
    static final String KAFKA_QUEUE_VAR = "TABBY_EVENTS_KAFKA_QUEUE";
    static final int DEFAULT_PORT = 9185;
    static final int REPLAY = 1024;
    static final int DEFAULT_KAFKA_QUEUE = 10_000;

    private final EventHub hub = new EventHub(REPLAY);
    private final EventFactory factory;
    private EventsHttp http;
    private KafkaOutlet kafka;

    public DaemonEvents(String node) {
        this.factory = new EventFactory(node, SERVICE);
    }

    /**
     * What the plugins call. Made and published under one lock, so concurrent calls' events keep their sequence order
     * in the hub; publishing only queues, so the lock is held for microseconds.
     */
    public EventSink sink() {
        return (what, subject, data) -> {
            try {
                synchronized (hub) {
                    hub.publish(factory.make(what, subject, data));
                }
            } catch (RuntimeException e) {
                LOG.warnf("event=cni_event_refused what=%s problem=\"%s\"", what, e.getMessage());
            }
        };
    }

    public EventHub hub() {
        return hub;
    }

    /** The HTTP port from the environment: {@value #DEFAULT_PORT} when unset, 0 for none. */
    public static int port(Map<String, String> env) {
        String v = env.get(PORT_VAR);
        if (v == null || v.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(v.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(PORT_VAR + "=" + v + " is not a port; give 1..65535, or 0 for no events HTTP");
    }

    /** Starts what the environment asks for: the events HTTP and the Kafka outlet. */
    public DaemonEvents start(Map<String, String> env) {
        int port = port(env);
        if (port != 0) {
            try {
                serveOn(port);
            } catch (IOException e) {
                LOG.warnf("event=cni_events_http_unavailable port=%d problem=\"%s\" effect=\"no GET /v1/events; CNI "
                        + "calls are served\" remedy=\"free the port or set %s\"", port, e.getMessage(), PORT_VAR);
            }
        }
        String bootstrap = env.getOrDefault(KAFKA_VAR, "").trim();
        if (!bootstrap.isEmpty()) {
            try {
                kafka = new KafkaOutlet(bootstrap, KafkaOutlet.EVENTS_TOPIC, kafkaQueue(env));
                hub.addOutlet(kafka);
                LOG.infof("event=kafka_outlet_started topic=%s bootstrap=%s", KafkaOutlet.EVENTS_TOPIC, bootstrap);
            } catch (IllegalArgumentException e) {
                LOG.errorf("event=kafka_outlet_refused topic=%s problem=\"%s\"", KafkaOutlet.EVENTS_TOPIC, e.getMessage());
            }
        }
        return this;
    }

    /** Serves {@code GET /v1/events} on 127.0.0.1:{@code port}; 0 takes any free port (tests). */
    public DaemonEvents serveOn(int port) throws IOException {
        http = EventsHttp.start(hub, port);
        LOG.infof("event=cni_events_listening address=127.0.0.1:%d path=%s", http.port(), EventsHttp.PATH);
        return this;
    }

    private static int kafkaQueue(Map<String, String> env) {
        String v = env.get(KAFKA_QUEUE_VAR);
        try {
            return v == null || v.isBlank() ? DEFAULT_KAFKA_QUEUE : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(KAFKA_QUEUE_VAR + "=" + v + " is not a number of events");
        }
    }

    /** The events HTTP's port, or 0 when it does not run. */
    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        if (kafka != null) {
            hub.removeOutlet(kafka);
            kafka.close();
        }
    }
}
