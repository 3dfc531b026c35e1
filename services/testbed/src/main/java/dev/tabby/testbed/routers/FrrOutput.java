package dev.tabby.testbed.routers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads vtysh's JSON answers: {@code show bgp AFI unicast json} and {@code show bgp neighbors X json}. */
final class FrrOutput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCAL_PEER = "(unspec)";

    private FrrOutput() {
    }

    /** The valid paths learned from peers; locally originated ones have peerId (unspec). */
    static List<LearnedRoute> routes(String showBgpJson) {
        List<LearnedRoute> out = new ArrayList<>();
        JsonNode routes = read(showBgpJson).path("routes");
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) routes::fields) {
            for (JsonNode path : entry.getValue()) {
                String peer = path.path("peerId").asText(LOCAL_PEER);
                if (peer.equals(LOCAL_PEER) || !path.path("valid").asBoolean(false)) {
                    continue;
                }
                // The global next hop comes first; a link-local one, when sent, follows it.
                JsonNode hop = path.path("nexthops").path(0);
                if (hop.isMissingNode()) {
                    continue;
                }
                out.add(new LearnedRoute(entry.getKey(), hop.path("ip").asText(),
                        BirdOutput.asPath(path.path("path").asText(""))));
            }
        }
        return out;
    }

    /** The bgpState of {@code show bgp neighbors X json}, or null when X is not a neighbour. */
    static String sessionState(String neighborJson, String peer) {
        JsonNode n = read(neighborJson).path(peer);
        if (n.isMissingNode()) {
            return null;
        }
        return n.path("bgpState").asText("Idle");
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse vtysh's JSON output: " + e.getMessage(), e);
        }
    }
}
