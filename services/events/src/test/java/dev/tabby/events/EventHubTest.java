package dev.tabby.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventHubTest {
    private final EventFactory factory = new EventFactory("node1", "policy-renderer");

    private CloudEvent event(int i) {
        return factory.make("endpoint.programmed", "ep" + i, Map.of("i", i));
    }

    @Test
    void keepsTheLastEventsForLateReaders() {
        EventHub hub = new EventHub(3);
        for (int i = 1; i <= 5; i++) {
            hub.publish(event(i));
        }
        List<String> replay = hub.subscribe(e -> true).replay().stream().map(CloudEvent::subject).toList();
        assertEquals(List.of("ep3", "ep4", "ep5"), replay);
        assertEquals(5, hub.published());
    }

    @Test
    void aReaderGetsEveryLaterEventOnceAndAClosedOneNone() {
        EventHub hub = new EventHub(10);
        hub.publish(event(1));
        List<String> seen = new ArrayList<>();
        EventHub.Subscription s = hub.subscribe(e -> seen.add(e.subject()));
        hub.publish(event(2));
        hub.publish(event(3));
        s.close();
        hub.publish(event(4));
        assertEquals(List.of("ep1"), s.replay().stream().map(CloudEvent::subject).toList());
        assertEquals(List.of("ep2", "ep3"), seen);
        assertEquals(0, hub.readers());
    }

    @Test
    void aFullReaderOrOutletDropsWithoutStoppingOthers() {
        EventHub hub = new EventHub(10);
        List<String> outlet = new ArrayList<>();
        hub.addOutlet(e -> outlet.size() < 2 && outlet.add(e.subject()));
        hub.subscribe(e -> false);
        for (int i = 1; i <= 4; i++) {
            hub.publish(event(i));
        }
        assertEquals(List.of("ep1", "ep2"), outlet);
        assertEquals(4, hub.dropped(), "the reader dropped 4; the outlet counts its own");
        assertEquals(4, hub.published());
    }

    @Test
    void refusesAnEmptyReplay() {
        assertThrows(IllegalArgumentException.class, () -> new EventHub(0));
    }
}
