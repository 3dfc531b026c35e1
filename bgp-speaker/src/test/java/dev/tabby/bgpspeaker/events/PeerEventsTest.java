package dev.tabby.bgpspeaker.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The speaker's reports as bgp-speaker's CloudEvents. That the speaker reports them when a session changes, a peer
 * passes its prefix limit or sends a malformed message is services/bgp's ReceivingRestartTest, over real TCP.
 */
class PeerEventsTest {
    private final EventHub hub = new EventHub(16);
    private final EventFactory factory = new EventFactory("n1", "bgp-speaker");
    private final PeerEvents events = new PeerEvents((what, subject, data) -> hub.publish(factory.make(what, subject, data)));

    private List<CloudEvent> seen() {
        try (EventHub.Subscription s = hub.subscribe(e -> true)) {
            // Each travels as JSON: what a reader gets back is what was made.
            return s.replay().stream().map(e -> EventJson.decode(EventJson.encode(e))).toList();
        }
    }

    @Test
    void eachReportIsAnEventAboutThePeersAddressInBirdsWords() {
        events.peerStateChanged("Mesh_10_0_0_2", "10.0.0.2", SessionState.ESTABLISHED, SessionState.IDLE,
                "Received: Notification: Hold timer expired");
        events.prefixLimitHit("Global_10_0_0_9", "10.0.0.9", 100, 101);
        events.malformedMessage("Global_10_0_0_9", "10.0.0.9", 3, 1, "withdrawn routes length 100 runs past the message");

        List<CloudEvent> seen = seen();
        assertEquals(List.of("dev.tabby.bgp-speaker.peer.state-changed", "dev.tabby.bgp-speaker.peer.prefix-limit",
                "dev.tabby.bgp-speaker.peer.malformed-message"), seen.stream().map(CloudEvent::type).toList());
        assertEquals(List.of("10.0.0.2", "10.0.0.9", "10.0.0.9"), seen.stream().map(CloudEvent::subject).toList());
        CloudEvent state = seen.get(0);
        assertEquals("/nodes/n1/bgp-speaker", state.source());
        assertEquals("Mesh_10_0_0_2", state.data().get("peer"));
        assertEquals("Established", state.data().get("from"));
        assertEquals("Idle", state.data().get("to"));
        assertEquals("Received: Notification: Hold timer expired", state.data().get("reason"));
        assertEquals(100, ((Number) seen.get(1).data().get("limit")).intValue());
        assertEquals(101, ((Number) seen.get(1).data().get("received")).intValue());
        assertEquals(3, ((Number) seen.get(2).data().get("code")).intValue());
        assertEquals(1, ((Number) seen.get(2).data().get("subcode")).intValue());
    }
}
