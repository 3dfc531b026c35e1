package dev.tabby.events;

import java.util.Map;

/**
 * Where a service's code reports what happened. Implementations never block and never throw: the bus is never on
 * the dataplane's critical path, and an event that cannot be delivered is dropped and counted.
 */
@FunctionalInterface
public interface EventSink {
    /** Reports nothing: for benchmarks and unit tests that do not look at events. */
    EventSink NONE = (what, subject, data) -> { };

    /**
     * @param what     the tail of the type after {@code dev.tabby.<service>.}, e.g. {@code route.added}
     * @param subject  what it is about, or null
     * @param data     the event's fields (JSON-able values); copied, so the caller may reuse it
     */
    void emit(String what, String subject, Map<String, ?> data);
}
