package dev.tabby.testbed.routers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads gobgp's JSON answers: {@code global rib -a AFI -j} and {@code neighbor -j}. */
final class GobgpOutput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTR_AS_PATH = 2;
    private static final int ATTR_NEXT_HOP = 3;
    private static final int ATTR_MP_REACH = 14;
    // apipb.PeerState.SessionState, as gobgp -j prints it (a number; older releases print the name).
    private static final Map<String, String> STATES = Map.of("1", "Idle", "2", "Connect", "3", "Active",
            "4", "OpenSent", "5", "OpenConfirm", "6", "Established");

    private GobgpOutput() {
    }

    /** The paths learned from a neighbour (those with a neighbor-ip; local ones have none). */
    static List<LearnedRoute> routes(String ribJson) {
        List<LearnedRoute> out = new ArrayList<>();
        String text = ribJson.strip();
        if (!text.startsWith("{")) {
            return out; // "Network not in table": an empty table
        }
        JsonNode rib = read(text);
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) rib::fields) {
            for (JsonNode path : entry.getValue()) {
                if (path.path("neighbor-ip").asText("").isEmpty() || path.path("withdrawal").asBoolean(false)) {
                    continue;
                }
                String nextHop = null;
                List<Long> asPath = new ArrayList<>();
                for (JsonNode attr : path.path("attrs")) {
                    int type = attr.path("type").asInt();
                    if (type == ATTR_NEXT_HOP || type == ATTR_MP_REACH) {
                        nextHop = attr.path("nexthop").asText(null);
                    } else if (type == ATTR_AS_PATH) {
                        for (JsonNode seg : attr.path("as_paths")) {
                            for (JsonNode asn : seg.path("asns")) {
                                asPath.add(asn.asLong());
                            }
                        }
                    }
                }
                if (nextHop != null) {
                    out.add(new LearnedRoute(entry.getKey(), nextHop, asPath));
                }
            }
        }
        return out;
    }

    /** The session state with {@code peer} from {@code gobgp neighbor -j}, or null when it is not a neighbour. */
    static String sessionState(String neighboursJson, String peer) {
        for (JsonNode n : read(neighboursJson.strip().isEmpty() ? "[]" : neighboursJson)) {
            if (peer.equals(n.path("conf").path("neighbor_address").asText())) {
                String raw = n.path("state").path("session_state").asText("1");
                String named = STATES.get(raw);
                if (named != null) {
                    return named;
                }
                return switch (raw.toUpperCase()) {
                    case "ESTABLISHED" -> "Established";
                    case "OPENCONFIRM" -> "OpenConfirm";
                    case "OPENSENT" -> "OpenSent";
                    case "ACTIVE" -> "Active";
                    case "CONNECT" -> "Connect";
                    default -> "Idle";
                };
            }
        }
        return null;
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse gobgp's JSON output: " + e.getMessage(), e);
        }
    }
}
