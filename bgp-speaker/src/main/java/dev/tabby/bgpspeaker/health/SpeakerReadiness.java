package dev.tabby.bgpspeaker.health;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import dev.tabby.bgpspeaker.rest.BirdWords;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether bgp-speaker is ready: in sync with the datastore, and every configured peer either Established or with its
 * failure reported (a non-empty last error, which {@code tabbyctl node status} shows). A peer that is neither is still
 * coming up, and an operator would see no reason for its state, so the service is not ready yet. A peer that is down
 * with a reason does not hold readiness: a peer that does not answer is the peer's problem, and it is visible.
 * Calico v3.18's {@code calico-node -bird-ready} is stricter (reference/node/configuration.md: "all BGP peers are
 * established"), so one unreachable peer keeps a Calico node unready; Tabby's issue 12 chose the looser rule.
 *
 * @param ready       the verdict
 * @param inSync      the datastore part
 * @param peers       configured peers
 * @param established of those, the Established ones
 * @param waiting     each peer holding readiness, by session name in the order given: why ("10.0.0.2 Connect, no
 *                    error reported yet")
 */
public record SpeakerReadiness(boolean ready, boolean inSync, int peers, int established, Map<String, String> waiting) {
    public SpeakerReadiness {
        waiting = Collections.unmodifiableMap(new LinkedHashMap<>(waiting));
    }

    public static SpeakerReadiness of(boolean inSync, List<PeerStatus> peers) {
        Map<String, String> waiting = new LinkedHashMap<>();
        int established = 0;
        for (PeerStatus p : peers) {
            if (p.state() == SessionState.ESTABLISHED) {
                established++;
            } else if (p.lastError() == null || p.lastError().isBlank()) {
                waiting.put(p.name(), p.address() + " " + BirdWords.bgpState(p.state()) + ", no error reported yet");
            }
        }
        return new SpeakerReadiness(inSync && waiting.isEmpty(), inSync, peers.size(), established, waiting);
    }

    /** Why not ready, in one line; "ready" when ready. */
    public String reason() {
        if (ready) {
            return "ready";
        }
        String peersPart = waiting.isEmpty() ? "" : waiting.size() + " peer(s) neither Established nor reporting an"
                + " error: " + String.join(", ", waiting.keySet());
        if (!inSync) {
            return "not in sync with the datastore" + (peersPart.isEmpty() ? "" : "; " + peersPart);
        }
        return peersPart;
    }
}
