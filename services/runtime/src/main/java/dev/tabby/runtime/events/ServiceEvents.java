package dev.tabby.runtime.events;

import dev.tabby.datastore.status.NodeName;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventSink;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * What happened in this service, for everyone who asks (architecture.md, "Event bus"): the service's code calls
 * {@link #emit}; the event goes over the SmallRye channel {@value #CHANNEL} to {@link #deliver}, which puts it in
 * the service's {@link EventHub}: the replay buffer and live readers of {@code GET /v1/events}, and Kafka topic
 * {@code tabby.events} when TABBY_KAFKA_BOOTSTRAP is set. Nothing here waits: a full channel or outlet drops the
 * event and counts it ({@code tabby_events_dropped_total}); etcd stays the source of truth.
 */
@ApplicationScoped
public class ServiceEvents implements EventSink {
    public static final String CHANNEL = "tabby-events";
    private static final Logger LOG = Logger.getLogger(ServiceEvents.class);

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<CloudEvent> channel;

    /** The service's name in its events' source and type: its Quarkus application name, e.g. vxlan-manager. */
    @ConfigProperty(name = "quarkus.application.name")
    String service;

    @ConfigProperty(name = "tabby.events.replay", defaultValue = "1024")
    int replay;

    @Inject
    EventOutlets outlets;

    private volatile EventFactory factory;
    private volatile EventHub hub;
    private final AtomicLong refused = new AtomicLong();
    private final Object changes = new Object();
    private Boolean lastReady;
    private Boolean lastConnected;

    /** The service's events as kept and handed out; made on first use. */
    public EventHub hub() {
        EventHub h = hub;
        if (h == null) {
            synchronized (this) {
                if (hub == null) {
                    hub = new EventHub(replay);
                    outlets.attach(hub, "tabby.events");
                }
                h = hub;
            }
        }
        return h;
    }

    /**
     * The node this service speaks for, as the service decided it (its own setting, else TABBY_NODENAME, else the
     * host name); call once at start, before the first event, so the events' source names the same node. A later
     * call starts a new sequence, as a restart does.
     */
    public void useNode(String node) {
        factory = new EventFactory(node, service);
    }

    public EventOutlets outlets() {
        return outlets;
    }

    @Override
    public void emit(String what, String subject, Map<String, ?> data) {
        CloudEvent event;
        try {
            event = factory().make(what, subject, data);
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            LOG.warnf("event=event_refused what=%s problem=\"%s\"", what, e.getMessage());
            return;
        }
        try {
            channel.send(event);
        } catch (RuntimeException e) {
            // the channel's buffer is full or it is not wired yet (start-up, shut-down): drop, count, go on
            refused.incrementAndGet();
        }
    }

    /**
     * Emits {@code service.ready} or {@code service.not-ready} when readiness changed since the last call, and logs
     * the change: one line per change, where SmallRye Health would log every probe that finds the service not ready
     * (its SRHCK01001 line is silenced in each service's application.properties).
     */
    public void readiness(boolean ready, String reason) {
        synchronized (changes) {
            if (Objects.equals(lastReady, ready)) {
                return;
            }
            lastReady = ready;
        }
        LOG.infof("event=readiness ready=%s reason=\"%s\"", ready, reason);
        emit(ready ? "service.ready" : "service.not-ready", null, reasonData(reason));
    }

    /**
     * Emits {@code datastore.lost} or {@code datastore.restored} on a change, once the datastore had been connected:
     * a service still starting has lost nothing.
     */
    public void datastore(boolean connected, String why) {
        synchronized (changes) {
            Boolean before = lastConnected;
            if (before == null && !connected) {
                return;
            }
            lastConnected = connected;
            if (before == null || before == connected) {
                return;
            }
        }
        emit(connected ? "datastore.restored" : "datastore.lost", null, reasonData(why));
    }

    /** Runs on the emitting thread (an in-memory channel with demand): a publish is a short lock and queue offers. */
    @Incoming(CHANNEL)
    void deliver(CloudEvent event) {
        hub().publish(event);
    }

    /** Events made and published to the hub since start. */
    public long published() {
        return hub().published();
    }

    /** Events that never made it into the channel: its buffer was full, or it was not wired (start, stop). */
    public long refused() {
        return refused.get();
    }

    /** Events a slow reader of GET /v1/events lost. */
    public long readerDrops() {
        return hub().dropped();
    }

    /** Events Kafka did not get. */
    public long kafkaDrops() {
        return outlets.dropped();
    }

    /** Every event lost on any way out since start. */
    public long dropped() {
        return refused() + readerDrops() + kafkaDrops();
    }

    private EventFactory factory() {
        EventFactory f = factory;
        if (f == null) {
            synchronized (this) {
                if (factory == null) {
                    factory = new EventFactory(NodeName.resolve(System.getenv()), service);
                }
                f = factory;
            }
        }
        return f;
    }

    private static Map<String, Object> reasonData(String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason == null ? "" : reason);
        return data;
    }

    @PreDestroy
    void close() {
        outlets.close();
    }
}
