package dev.tabby.ctl.commands;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What {@code tabbyctl node status} reads from the node's bgp-speaker: {@code GET http://127.0.0.1:9180/v1/peers},
 * answered {@code 200} with {@code Content-Type: application/json}:
 *
 * <pre>{@code
 * {
 *   "ipv4": [
 *     {"peerAddress": "172.17.8.102", "peerType": "node-to-node mesh", "state": "up",
 *      "since": "2016-11-21", "bgpState": "Established", "info": ""}
 *   ],
 *   "ipv6": []
 * }
 * }</pre>
 *
 * One list per address family, each peer in the words calicoctl v3.18 prints (calicoctl/commands/node/status.go):
 * {@code peerType} is {@code global}, {@code node-to-node mesh} or {@code node specific} (its bgpTypeMap);
 * {@code state} the session's administrative state as BIRD shows it ({@code up}, {@code down}, {@code start});
 * {@code since} when the state last changed, as the speaker chooses to show it (BIRD prints a date or a time of day);
 * {@code bgpState} the BGP FSM state ({@code Idle}, {@code Connect}, {@code Active}, {@code OpenSent},
 * {@code OpenConfirm}, {@code Established}); {@code info} more words on it, often empty ({@code Socket: Connection
 * refused}). A missing or null list is a family without peers. Unknown fields are ignored, so the speaker may add
 * more.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeStatusReport(List<Peer> ipv4, List<Peer> ipv6) {
    public static final String PATH = "/v1/peers";
    public static final int DEFAULT_PORT = 9180;

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Peer(String peerAddress, String peerType, String state, String since, String bgpState, String info) {
    }

    public List<Peer> family(int ipVersion) {
        List<Peer> peers = ipVersion == 4 ? ipv4 : ipv6;
        return peers == null ? List.of() : peers;
    }
}
