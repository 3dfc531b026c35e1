package dev.tabby.bgpspeaker.rest;

import dev.tabby.bgp.speaker.PeerStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code GET /v1/peers}: the shape tabbyctl's {@code NodeStatusReport} reads (one list per family, each
 * peer in calicoctl v3.18's words), and per peer the counters an operator needs beyond calicoctl's table.
 */
public record PeersReport(List<Peer> ipv4, List<Peer> ipv6) {

    /**
     * One peer.
     *
     * @param peerAddress        the peer's address (calicoctl's PEER ADDRESS)
     * @param peerType           "node-to-node mesh", "global" or "node specific" (calicoctl's bgpTypeMap)
     * @param state              "up" when Established, else "start", as BIRD's protocol state
     * @param since              when the state was entered, as BIRD prints it: "HH:MM:SS" within 20 hours, else
     *                           "YYYY-MM-DD"
     * @param bgpState           the FSM state in BIRD's words ("Active", "OpenSent", "Established", ...)
     * @param info               the last error when not Established ("Socket: Connection refused"), else ""
     * @param name               the session's name (BIRD protocol name, "Mesh_10_0_0_2")
     * @param peerAs             the peer's AS
     * @param uptimeSeconds      seconds since the session was Established, null when it is not
     * @param prefixesReceived   prefixes in the peer's Adj-RIB-In
     * @param prefixesAccepted   of those, the ones not refused by loop checks or treat-as-withdraw
     * @param prefixesAdvertised prefixes in the peer's Adj-RIB-Out
     * @param lastError          why the session last went down or failed to come up, "" when never; kept after
     *                           the session comes back, unlike info
     */
    public record Peer(String peerAddress, String peerType, String state, String since, String bgpState, String info,
            String name, long peerAs, Long uptimeSeconds, int prefixesReceived, int prefixesAccepted,
            int prefixesAdvertised, String lastError) {
    }

    /** The report of {@code peers} at {@code now}, times of day in {@code zone}; the peers' order is kept. */
    public static PeersReport of(List<PeerStatus> peers, Instant now, ZoneId zone) {
        List<Peer> v4 = new ArrayList<>();
        List<Peer> v6 = new ArrayList<>();
        for (PeerStatus p : peers) {
            Peer peer = new Peer(p.address(), p.kind(), BirdWords.state(p.state()),
                    BirdWords.since(p.since(), now, zone), BirdWords.bgpState(p.state()),
                    BirdWords.info(p.state(), p.lastError()), p.name(), p.peerAs(),
                    BirdWords.uptimeSeconds(p.state(), p.since(), now), p.received(), p.accepted(), p.advertised(),
                    p.lastError() == null ? "" : p.lastError());
            (ipv6(p.address()) ? v6 : v4).add(peer);
        }
        return new PeersReport(List.copyOf(v4), List.copyOf(v6));
    }

    /** calicoctl prints IPv4 and IPv6 peers in separate tables; only an IPv6 address has a colon. */
    private static boolean ipv6(String address) {
        return address.indexOf(':') >= 0;
    }
}
