package dev.tabby.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A service's events after they are made: the last {@code replayCapacity} kept for late readers of
 * {@code GET /v1/events}, handed to live readers and to outlets (Kafka). {@link #publish} takes a short lock and
 * never waits on a reader or an outlet: each has its own bounded queue and drops when it is full. The hub counts a
 * live reader's drops; an outlet counts its own (it also loses events after it took them, when delivery fails).
 */
public final class EventHub {
    /** Where events leave the node, e.g. the Kafka outlet. */
    public interface Outlet {
        /** Takes the event without waiting; false when it had to drop it (the outlet counts that itself). */
        boolean offer(CloudEvent event);
    }

    /** A live reader: its replay, then every event published after it, until closed. */
    public final class Subscription implements AutoCloseable {
        private final Predicate<CloudEvent> reader;
        private final List<CloudEvent> replay;

        private Subscription(Predicate<CloudEvent> reader, List<CloudEvent> replay) {
            this.reader = reader;
            this.replay = replay;
        }

        /** The kept events published before this subscription, oldest first. */
        public List<CloudEvent> replay() {
            return replay;
        }

        @Override
        public void close() {
            readers.remove(this);
        }
    }

    private final int replayCapacity;
    private final ArrayDeque<CloudEvent> kept;
    private final List<Subscription> readers = new CopyOnWriteArrayList<>();
    private final List<Outlet> outlets = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public EventHub(int replayCapacity) {
        if (replayCapacity < 1) {
            throw new IllegalArgumentException("replay capacity must be at least 1, was " + replayCapacity);
        }
        this.replayCapacity = replayCapacity;
        this.kept = new ArrayDeque<>(replayCapacity);
    }

    public void addOutlet(Outlet outlet) {
        outlets.add(outlet);
    }

    public void removeOutlet(Outlet outlet) {
        outlets.remove(outlet);
    }

    public void publish(CloudEvent event) {
        synchronized (kept) {
            if (kept.size() == replayCapacity) {
                kept.removeFirst();
            }
            kept.addLast(event);
            published.incrementAndGet();
            for (Subscription s : readers) {
                if (!s.reader.test(event)) {
                    dropped.incrementAndGet();
                }
            }
        }
        for (Outlet o : outlets) {
            o.offer(event);
        }
    }

    /**
     * Registers {@code reader} (called on the publishing thread: it must only queue, returning false when it had to
     * drop) and returns the replay taken atomically with the registration, so no event is missed or seen twice.
     */
    public Subscription subscribe(Predicate<CloudEvent> reader) {
        synchronized (kept) {
            Subscription s = new Subscription(reader, List.copyOf(new ArrayList<>(kept)));
            readers.add(s);
            return s;
        }
    }

    /** Events published since start. */
    public long published() {
        return published.get();
    }

    /** Events a live reader had to drop since start (it did not keep up); outlets count their own. */
    public long dropped() {
        return dropped.get();
    }

    public int readers() {
        return readers.size();
    }
}
