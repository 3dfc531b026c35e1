package dev.tabby.runtime.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/events} as a client reads it: the SSE wire format (id, event, data lines), the replay of the last
 * {@code tabby.events.replay} events (4 here) first, then live events in order, and the {@code type} filter; events go
 * from {@link ServiceEvents#emit} over the SmallRye channel into the hub.
 */
@QuarkusTest
class EventsResourceTest {
    @Inject
    ServiceEvents events;

    @TestHTTPResource("/v1/events")
    URL url;

    @Test
    void replaysTheLastEventsThenStreamsNewOnesInOrder() throws Exception {
        events.useNode("node7");
        for (int i = 1; i <= 6; i++) {
            events.emit(i % 2 == 0 ? "route.added" : "route.removed", "10.65.0." + i + "/32", Map.of("i", i));
        }
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setReadTimeout(20_000);
        assertEquals(200, c.getResponseCode());
        assertTrue(c.getContentType().startsWith("text/event-stream"), c.getContentType());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            List<CloudEvent> got = read(in, 4);
            assertEquals(List.of("10.65.0.3/32", "10.65.0.4/32", "10.65.0.5/32", "10.65.0.6/32"),
                    got.stream().map(CloudEvent::subject).toList(), "the last 4 kept, oldest first");
            assertEquals(":" + EventStreams.REPLAY_END, nextNonEmpty(in), "the end of the replay is marked");
            events.emit("device.recreated", "vxlan.calico", Map.of("why", "deleted by someone"));
            CloudEvent live = read(in, 1).get(0);
            assertEquals("dev.tabby.events-test.device.recreated", live.type());
            assertEquals("/nodes/node7/events-test", live.source());
            assertTrue(live.sequenceNumber() > got.get(3).sequenceNumber(), "sequence rises");
        } finally {
            c.disconnect();
        }
    }

    @Test
    void keepsOnlyTheTypeAskedFor() throws Exception {
        events.emit("peer.state-changed", "10.0.0.9", Map.of("from", "Active", "to", "Established"));
        events.emit("route.added", "10.65.9.0/26", Map.of());
        HttpURLConnection c = (HttpURLConnection) new URL(url + "?type=dev.tabby.events-test.peer").openConnection();
        c.setReadTimeout(20_000);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            events.emit("route.added", "10.65.9.64/26", Map.of());
            events.emit("peer.state-changed", "10.0.0.9", Map.of("from", "Established", "to", "Idle"));
            List<CloudEvent> got = read(in, 2);
            assertEquals(List.of("Established", "Idle"), got.stream().map(e -> e.data().get("to")).toList());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void anEmptyReplayStillAnswersAtOnceWithItsEnd() throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url + "?type=dev.tabby.nothing-of-this").openConnection();
        c.setReadTimeout(5_000);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals(200, c.getResponseCode());
            assertEquals(":" + EventStreams.REPLAY_END, nextNonEmpty(in));
        } finally {
            c.disconnect();
        }
    }

    private static String nextNonEmpty(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null && line.isEmpty()) {
            // the blank line that ends the previous event
        }
        return line;
    }

    /** {@code n} events off the stream, checking each one's id and event lines against its JSON. */
    private static List<CloudEvent> read(BufferedReader in, int n) throws Exception {
        List<CloudEvent> out = new ArrayList<>();
        String id = null;
        String name = null;
        String line;
        while (out.size() < n && (line = in.readLine()) != null) {
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (!line.isEmpty() && !line.startsWith(":") && !line.startsWith("data:")) {
                throw new AssertionError("a line that is not id, event or data: " + line);
            } else if (line.startsWith("data:")) {
                CloudEvent e = EventJson.decode(line.substring(5).strip());
                assertEquals(e.id(), id);
                assertEquals(e.type(), name);
                out.add(e);
            }
        }
        assertEquals(n, out.size(), "the stream ended early");
        return out;
    }
}
