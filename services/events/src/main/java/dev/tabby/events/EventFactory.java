package dev.tabby.events;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Makes this service's events: its source, its type prefix, ids, times and the per-source sequence. */
public final class EventFactory {
    private final String source;
    private final String typePrefix;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    public EventFactory(String node, String service, Clock clock) {
        if (node == null || node.isBlank() || node.contains("/")) {
            throw new IllegalArgumentException("node name for events must be non-empty and have no '/': " + node);
        }
        if (service == null || !service.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("service name for events must be lower-case words with '-': " + service);
        }
        this.source = CloudEvent.sourceOf(node, service);
        this.typePrefix = CloudEvent.TYPE_PREFIX + service + ".";
        this.clock = clock;
    }

    public EventFactory(String node, String service) {
        this(node, service, Clock.systemUTC());
    }

    public String source() {
        return source;
    }

    /** The event for {@code what} (e.g. {@code route.added}); the sequence is taken here, so make them in order. */
    public CloudEvent make(String what, String subject, Map<String, ?> data) {
        if (what == null || !what.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
            throw new IllegalArgumentException("event name must be lower-case words joined by '.': " + what);
        }
        Map<String, Object> copy = data == null || data.isEmpty()
                ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
        return new CloudEvent(UUID.randomUUID().toString(), source, typePrefix + what, subject, clock.instant(),
                String.format("%019d", sequence.incrementAndGet()), copy);
    }
}
