package dev.tabby.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudEvents 1.0 JSON event format (cloudevents/spec formats/json-format.md): context attributes at the top level,
 * {@code datacontenttype} application/json and the data as a JSON value under {@code data}. What comes in (from Kafka,
 * from a service's SSE) is untrusted: {@link #decode} refuses a document that is not a 1.0 event, naming the field.
 */
public final class EventJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {
    }

    public static ObjectNode toTree(CloudEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("specversion", CloudEvent.SPEC_VERSION);
        n.put("id", e.id());
        n.put("source", e.source());
        n.put("type", e.type());
        if (e.subject() != null) {
            n.put("subject", e.subject());
        }
        n.put("time", e.time().toString());
        if (e.sequence() != null) {
            n.put("sequence", e.sequence());
        }
        n.put("datacontenttype", "application/json");
        n.set("data", JSON.valueToTree(e.data()));
        return n;
    }

    /** One line of JSON (no newline inside), as SSE data and Kafka values want it. */
    public static String encode(CloudEvent e) {
        try {
            return JSON.writeValueAsString(toTree(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("event " + e.type() + " has data that is not JSON-able: " + ex.getOriginalMessage(), ex);
        }
    }

    /** The event in {@code json}; IllegalArgumentException naming what is wrong when it is not a CloudEvents 1.0 event. */
    public static CloudEvent decode(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("event is not JSON: " + ex.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("event is not a JSON object");
        }
        String specversion = text(n, "specversion", true);
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new IllegalArgumentException("event specversion is '" + specversion + "', expected '1.0'");
        }
        String id = text(n, "id", true);
        String source = text(n, "source", true);
        String type = text(n, "type", true);
        String subject = text(n, "subject", false);
        String sequence = text(n, "sequence", false);
        String timeText = text(n, "time", true);
        Instant time;
        try {
            time = Instant.parse(timeText);
        } catch (DateTimeParseException ex) {
            throw new IllegalArgumentException("event time '" + timeText + "' is not an RFC 3339 time");
        }
        String contentType = text(n, "datacontenttype", false);
        if (contentType != null && !contentType.startsWith("application/json")) {
            throw new IllegalArgumentException("event datacontenttype '" + contentType + "' is not application/json");
        }
        JsonNode data = n.get("data");
        Map<String, Object> fields = new LinkedHashMap<>();
        if (data != null && !data.isNull()) {
            if (!data.isObject()) {
                throw new IllegalArgumentException("event data is not a JSON object");
            }
            fields = JSON.convertValue(data, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        }
        return new CloudEvent(id, source, type, subject, time, sequence, fields);
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("event has no '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("event '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }
}
