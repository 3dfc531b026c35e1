package dev.tabby.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a service last reported as in place (its routes, its VTEPs, its programmed endpoints), so that after an apply
 * it reports only the difference: {@code <noun>.added} for a subject new or changed since, {@code <noun>.removed} for
 * one gone. Called at apply time, never per packet; one apply reports at most {@link #LIMIT} subjects of each kind
 * one by one, and the rest in one event with no subject and {@code {"omitted": n}}, so a first sync of 10,000 routes
 * does not flood the bus. Not thread-safe: the apply thread owns it.
 *
 * @param <V> what is known about a subject; compared with {@code equals}
 */
public final class Announced<V> {
    /** Events per kind and apply before the rest are counted in one. */
    public static final int LIMIT = 256;

    private final EventSink sink;
    private final String added;
    private final String removed;
    private final Function<V, Map<String, ?>> data;
    private Map<String, V> last = Map.of();

    /**
     * @param added   the event for a new or changed subject, e.g. {@code route.added}
     * @param removed the event for a subject gone, e.g. {@code route.removed}; null: none reported
     * @param data    the event's fields for a subject's value
     */
    public Announced(EventSink sink, String added, String removed, Function<V, Map<String, ?>> data) {
        this.sink = sink;
        this.added = added;
        this.removed = removed;
        this.data = data;
    }

    /** Reports what differs from the last call and remembers {@code now}; returns how many subjects changed. */
    public int report(Map<String, V> now) {
        if (sink == EventSink.NONE) {
            return 0; // benchmarks and tests that do not look: not even the diff is paid for
        }
        int addedCount = 0;
        int removedCount = 0;
        for (Map.Entry<String, V> e : now.entrySet()) {
            V before = last.get(e.getKey());
            if (!Objects.equals(before, e.getValue())) {
                if (addedCount++ < LIMIT) {
                    Map<String, Object> fields = new LinkedHashMap<>(data.apply(e.getValue()));
                    if (before != null) {
                        fields.put("replaced", true);
                    }
                    sink.emit(added, e.getKey(), fields);
                }
            }
        }
        for (Map.Entry<String, V> e : last.entrySet()) {
            if (!now.containsKey(e.getKey()) && removed != null && removedCount++ < LIMIT) {
                sink.emit(removed, e.getKey(), data.apply(e.getValue()));
            }
        }
        omitted(added, addedCount);
        omitted(removed, removedCount);
        last = Map.copyOf(now);
        return addedCount + removedCount;
    }

    private void omitted(String what, int count) {
        if (what != null && count > LIMIT) {
            sink.emit(what, null, Map.of("omitted", count - LIMIT));
        }
    }

    /** Forgets what was reported: the next call reports everything it is given as added. */
    public void forget() {
        last = Map.of();
    }
}
