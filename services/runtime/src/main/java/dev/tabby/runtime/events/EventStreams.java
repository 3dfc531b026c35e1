package dev.tabby.runtime.events;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventJson;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hub's events as Server-Sent Events: first the kept ones (the replay), then each new one, until the client goes
 * away. Each event is {@code id: <id>}, {@code event: <type>}, {@code data: <CloudEvents JSON on one line>}. A reader
 * The end of the replay is marked by the comment line {@code : replay-end} (sent also when nothing is kept, so the
 * client gets the response's head at once). A reader that does not keep up loses live events beyond {@value #MAX_PENDING} unwritten ones (counted in the hub's dropped)
 * rather than slowing the service.
 */
public final class EventStreams {
    private EventStreams() {
    }

    /** Events handed to a client and not yet written to it; beyond this a slow client loses live events. */
    static final int MAX_PENDING = 8192;

    /** The comment line after the replay: a reader that wants only what is kept ({@code tabbyctl events}) stops there. */
    public static final String REPLAY_END = "replay-end";

    /** Stands for the end of the replay in the stream; never a CloudEvent. */
    private static final Object END_OF_REPLAY = new Object();

    public static Multi<OutboundSseEvent> sse(Sse sse, EventHub hub, Predicate<CloudEvent> filter) {
        AtomicInteger pending = new AtomicInteger();
        return Multi.createFrom().emitter(out -> new Reader(out, hub, filter, pending).start(), BackPressureStrategy.BUFFER)
                .onItem().invoke(pending::decrementAndGet)
                .map(item -> item == END_OF_REPLAY ? sse.newEventBuilder().comment(REPLAY_END).build()
                        : event(sse, (CloudEvent) item));
    }

    private static OutboundSseEvent event(Sse sse, CloudEvent e) {
        return sse.newEventBuilder().id(e.id()).name(e.type())
                .data(String.class, EventJson.encode(e)).build();
    }

    /** One client: live events that arrive while the replay is sent wait in {@code early}, so order holds. */
    private static final class Reader {
        private final MultiEmitter<Object> out;
        private final EventHub hub;
        private final Predicate<CloudEvent> filter;
        private final AtomicInteger pending;
        private final List<CloudEvent> early = new ArrayList<>();
        private boolean replayed;

        Reader(MultiEmitter<Object> out, EventHub hub, Predicate<CloudEvent> filter, AtomicInteger pending) {
            this.out = out;
            this.hub = hub;
            this.filter = filter;
            this.pending = pending;
        }

        private void send(Object item) {
            pending.incrementAndGet();
            out.emit(item);
        }

        void start() {
            EventHub.Subscription subscription = hub.subscribe(this::live);
            out.onTermination(subscription::close);
            synchronized (this) {
                for (CloudEvent e : subscription.replay()) {
                    if (filter.test(e)) {
                        send(e);
                    }
                }
                send(END_OF_REPLAY);
                early.forEach(this::send);
                early.clear();
                replayed = true;
            }
        }

        private synchronized boolean live(CloudEvent e) {
            if (!filter.test(e)) {
                return true;
            }
            if (!replayed) {
                early.add(e);
                return true;
            }
            if (pending.get() >= MAX_PENDING) {
                return false;
            }
            send(e);
            return true;
        }
    }
}
