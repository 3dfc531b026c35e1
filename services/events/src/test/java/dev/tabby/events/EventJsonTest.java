package dev.tabby.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CloudEvents 1.0 JSON format, against the example of the spec's formats/json-format.md (section 3.1). */
class EventJsonTest {
    /** The spec's example event (json-format.md, "Examples"), verbatim apart from whitespace. */
    static final String SPEC_EXAMPLE = """
            {
                "specversion" : "1.0",
                "type" : "com.example.someevent",
                "source" : "/mycontext",
                "subject": null,
                "id" : "C234-1234-1234",
                "time" : "2018-04-05T17:31:00Z",
                "comexampleextension1" : "value",
                "comexampleothervalue" : 5,
                "datacontenttype" : "application/json",
                "data" : {
                    "appinfoA" : "abc",
                    "appinfoB" : 123,
                    "appinfoC" : true
                }
            }""";

    @Test
    void readsTheSpecsExample() {
        CloudEvent e = EventJson.decode(SPEC_EXAMPLE);
        assertEquals("C234-1234-1234", e.id());
        assertEquals("/mycontext", e.source());
        assertEquals("com.example.someevent", e.type());
        assertNull(e.subject());
        assertEquals(Instant.parse("2018-04-05T17:31:00Z"), e.time());
        assertEquals(Map.of("appinfoA", "abc", "appinfoB", 123, "appinfoC", true), e.data());
        assertNull(e.node(), "not a Tabby source");
    }

    @Test
    void writesWhatTheSpecRequiresAndReadsItBack() throws Exception {
        EventFactory f = new EventFactory("node1", "vxlan-manager",
                Clock.fixed(Instant.parse("2026-12-05T07:00:00Z"), ZoneOffset.UTC));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cidr", "10.65.1.0/26");
        data.put("via", "10.0.0.2");
        data.put("hops", List.of(1, 2));
        CloudEvent e = f.make("route.added", "10.65.1.0/26", data);
        String json = EventJson.encode(e);
        assertTrue(!json.contains("\n"), "one line, as SSE data and Kafka values want it: " + json);
        JsonNode n = new ObjectMapper().readTree(json);
        assertEquals("1.0", n.get("specversion").asText());
        assertEquals("/nodes/node1/vxlan-manager", n.get("source").asText());
        assertEquals("dev.tabby.vxlan-manager.route.added", n.get("type").asText());
        assertEquals("10.65.1.0/26", n.get("subject").asText());
        assertEquals("2026-12-05T07:00:00Z", n.get("time").asText());
        assertEquals("application/json", n.get("datacontenttype").asText());
        assertEquals("0000000000000000001", n.get("sequence").asText());
        assertEquals("10.0.0.2", n.get("data").get("via").asText());
        CloudEvent back = EventJson.decode(json);
        assertEquals(e, back);
        assertEquals("node1", back.node());
        assertEquals("vxlan-manager", back.service());
        assertEquals(1, back.sequenceNumber());
    }

    @Test
    void sequenceOrdersAsAStringAsTheExtensionAsks() {
        EventFactory f = new EventFactory("n", "cni");
        String previous = "";
        for (int i = 0; i < 120; i++) {
            String s = f.make("workload.added", null, Map.of()).sequence();
            assertTrue(s.compareTo(previous) > 0, s + " after " + previous);
            previous = s;
        }
    }

    @Test
    void refusesWhatIsNotAnEventNamingTheField() {
        assertEquals("event is not a JSON object", bad("[1]"));
        assertEquals("event has no 'specversion'", bad("{\"id\":\"1\"}"));
        assertEquals("event specversion is '0.3', expected '1.0'", bad(SPEC_EXAMPLE.replace("\"1.0\"", "\"0.3\"")));
        assertEquals("event has no 'id'", bad(SPEC_EXAMPLE.replace("\"id\" : \"C234-1234-1234\",", "")));
        assertEquals("event 'source' must be a non-empty string", bad(SPEC_EXAMPLE.replace("\"/mycontext\"", "7")));
        assertEquals("event time 'yesterday' is not an RFC 3339 time",
                bad(SPEC_EXAMPLE.replace("2018-04-05T17:31:00Z", "yesterday")));
        assertEquals("event datacontenttype 'text/xml' is not application/json",
                bad(SPEC_EXAMPLE.replace("\"application/json\"", "\"text/xml\"")));
        assertEquals("event data is not a JSON object", bad(SPEC_EXAMPLE.replaceAll("(?s)\"data\" : \\{.*\\}", "\"data\" : 3}")));
        assertTrue(bad("{not json").startsWith("event is not JSON: "));
    }

    @Test
    void refusesBadNamesWhenMaking() {
        assertThrows(IllegalArgumentException.class, () -> new EventFactory("a/b", "cni"));
        assertThrows(IllegalArgumentException.class, () -> new EventFactory("n", "Vxlan Manager"));
        assertThrows(IllegalArgumentException.class, () -> new EventFactory("n", "cni").make("Route Added", null, null));
    }

    private static String bad(String json) {
        return assertThrows(IllegalArgumentException.class, () -> EventJson.decode(json)).getMessage();
    }
}
