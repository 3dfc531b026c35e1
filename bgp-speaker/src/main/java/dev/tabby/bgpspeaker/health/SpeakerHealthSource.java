package dev.tabby.bgpspeaker.health;

import dev.tabby.bgp.speaker.PeerStatus;
import java.util.List;

/**
 * What readiness asks of the running service (implemented in {@code dev.tabby.bgpspeaker.service}). Both methods must
 * answer promptly from any thread, and answer (not throw) while the service is still starting.
 */
public interface SpeakerHealthSource {
    /** The datastore's content has been read through and the speaker's peers and originations follow it. */
    boolean inSync();

    /**
     * Every configured peer. A peer's {@code lastError} is what {@code GET /v1/peers} shows after its FSM state, so it
     * is worded as BIRD words it: "Socket: Connection refused", "Received: Hold timer expired".
     */
    List<PeerStatus> peers();
}
