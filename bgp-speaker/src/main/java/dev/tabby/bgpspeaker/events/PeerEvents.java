package dev.tabby.bgpspeaker.events;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.SpeakerEvents;
import dev.tabby.bgpspeaker.rest.BirdWords;
import dev.tabby.events.EventSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The speaker's reports as bgp-speaker's events (issue 15), about the peer's address (the subject): {@code
 * peer.state-changed}, {@code peer.prefix-limit}, {@code peer.malformed-message}. States are spelt as BIRD spells
 * them ({@code birdc show protocols}: "Idle" ... "Established"), the words {@code tabbyctl node status} shows.
 */
public final class PeerEvents implements SpeakerEvents {
    private final EventSink sink;

    public PeerEvents(EventSink sink) {
        this.sink = sink;
    }

    @Override
    public void peerStateChanged(String peer, String address, SessionState from, SessionState to, String reason) {
        Map<String, Object> data = peer(peer, address);
        data.put("from", BirdWords.bgpState(from));
        data.put("to", BirdWords.bgpState(to));
        data.put("reason", reason == null ? "" : reason);
        sink.emit("peer.state-changed", address, data);
    }

    @Override
    public void prefixLimitHit(String peer, String address, int limit, int received) {
        Map<String, Object> data = peer(peer, address);
        data.put("limit", limit);
        data.put("received", received);
        data.put("action", "session closed with Cease 1 (maximum number of prefixes reached)");
        sink.emit("peer.prefix-limit", address, data);
    }

    @Override
    public void malformedMessage(String peer, String address, int code, int subcode, String problem) {
        Map<String, Object> data = peer(peer, address);
        data.put("code", code);
        data.put("subcode", subcode);
        data.put("problem", problem == null ? "" : problem);
        sink.emit("peer.malformed-message", address, data);
    }

    private static Map<String, Object> peer(String peer, String address) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("peer", peer);
        data.put("address", address);
        return data;
    }
}
