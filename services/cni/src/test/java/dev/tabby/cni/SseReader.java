package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.events.EventJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A reader of {@code GET /v1/events} as {@code tabbyctl events} is one: Server-Sent Events frames ({@code id:},
 * {@code event:}, {@code data:}, blank line), each frame's id and event checked against its CloudEvent, which must
 * decode strictly.
 */
final class SseReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SseReader() {
    }

    /** The first {@code count} events of type {@code typePrefix} that {@code wanted} keeps, replay first then live. */
    static List<JsonNode> read(int port, String typePrefix, int count, Predicate<JsonNode> wanted) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/events?type="
                + URLEncoder.encode(typePrefix, StandardCharsets.UTF_8));
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setReadTimeout(20_000); // a frame or a keepalive comes every 15 s at most
        try {
            assertEquals(200, c.getResponseCode());
            assertEquals("text/event-stream", c.getContentType());
            List<JsonNode> out = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                String id = null;
                String event = null;
                String line;
                while (out.size() < count && (line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        String data = line.substring(6);
                        EventJson.decode(data); // a valid CloudEvent, or an exception naming the bad field
                        JsonNode e = JSON.readTree(data);
                        assertEquals(e.path("id").asText(), id, "the frame's id is the event's");
                        assertEquals(e.path("type").asText(), event, "the frame's event is the event's type");
                        if (!e.path("type").asText().startsWith(typePrefix)) {
                            throw new AssertionError("?type=" + typePrefix + " let through " + data);
                        }
                        if (wanted.test(e)) {
                            out.add(e);
                        }
                    }
                }
            }
            return out;
        } finally {
            c.disconnect();
        }
    }
}
