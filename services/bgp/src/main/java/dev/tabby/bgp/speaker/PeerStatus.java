package dev.tabby.bgp.speaker;

import dev.tabby.bgp.session.SessionState;
import java.time.Instant;

/**
 * One peer as the speaker sees it now: what {@code GET /v1/peers} and {@code tabbyctl node status} show.
 *
 * @param name        the session's name (BIRD protocol name)
 * @param address     the peer's address
 * @param peerAs      the peer's AS
 * @param kind        "node-to-node mesh", "global", "node specific" (calicoctl's PEER TYPE words)
 * @param state       the FSM state
 * @param since       when the state was entered
 * @param received    prefixes the peer announced that are in its Adj-RIB-In
 * @param accepted    of those, the ones not refused by loop checks or treat-as-withdraw
 * @param advertised  prefixes in its Adj-RIB-Out
 * @param lastError   the reason the session last went down or failed to come up, "" when none
 */
public record PeerStatus(String name, String address, long peerAs, String kind, SessionState state, Instant since,
        int received, int accepted, int advertised, String lastError) {
}
