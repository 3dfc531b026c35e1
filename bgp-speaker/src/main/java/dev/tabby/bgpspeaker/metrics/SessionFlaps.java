package dev.tabby.bgpspeaker.metrics;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Session flaps (an Established session that went down) found by comparing successive snapshots of the peers, so the
 * speaker needs no listener for it. Between two snapshots a peer flapped when it was Established and now is not, or
 * is Established again since another time (it went down and came back up in between). Several flaps between two
 * snapshots count as one; with snapshots a second apart that only happens to a session that cannot stay up anyway.
 * Peers are told apart by address, as the metrics' {@code peer} tag.
 */
final class SessionFlaps {
    private Map<String, PeerStatus> previous = Map.of();

    /** The addresses whose session flapped since the previous call, in the order of {@code now}. */
    List<String> observe(List<PeerStatus> now) {
        List<String> flapped = new ArrayList<>();
        Map<String, PeerStatus> next = new HashMap<>();
        for (PeerStatus p : now) {
            if (next.putIfAbsent(p.address(), p) != null) {
                continue;
            }
            PeerStatus before = previous.get(p.address());
            if (before != null && before.state() == SessionState.ESTABLISHED
                    && (p.state() != SessionState.ESTABLISHED || !Objects.equals(before.since(), p.since()))) {
                flapped.add(p.address());
            }
        }
        previous = next;
        return flapped;
    }
}
