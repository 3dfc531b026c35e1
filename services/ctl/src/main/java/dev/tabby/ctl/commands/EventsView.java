package dev.tabby.ctl.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** How {@code tabbyctl events} filters and prints: the table TIME NODE SERVICE TYPE SUBJECT DETAILS, or EventJson. */
final class EventsView implements FeedListing.View<CloudEvent> {
    static final List<String> HEADINGS = List.of("TIME", "NODE", "SERVICE", "TYPE", "SUBJECT", "DETAILS");
    /** A DETAILS cell longer than this is cut: the whole event is in {@code -o json}. */
    static final int DETAILS_WIDTH = 80;
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node;
    private final String type;
    private final Instant since;

    /**
     * @param node  only this node's, or null
     * @param type  a full type prefix ({@link #typePrefix}), or null
     * @param since the earliest time, or null
     */
    EventsView(String node, String type, Instant since) {
        this.node = node;
        this.type = type;
        this.since = since;
    }

    /**
     * The type the operator means by {@code --type}: {@code vxlan-manager}, {@code vxlan-manager.route} and
     * {@code dev.tabby.vxlan-manager.route.added} all name types by their leading dotted parts.
     */
    static String typePrefix(String given) {
        String t = given.strip();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.startsWith(CloudEvent.TYPE_PREFIX) ? t : CloudEvent.TYPE_PREFIX + t;
    }

    @Override
    public CloudEvent read(CloudEvent event) {
        return event;
    }

    @Override
    public boolean keep(CloudEvent e) {
        if (node != null && !node.equals(e.node())) {
            return false;
        }
        // A whole dotted part: "dev.tabby.vxlan" is not "dev.tabby.vxlan-manager".
        if (type != null && !e.type().equals(type) && !e.type().startsWith(type + ".")) {
            return false;
        }
        return since == null || !e.time().isBefore(since);
    }

    @Override
    public Comparator<CloudEvent> order() {
        return Comparator.comparing(CloudEvent::time).thenComparing(CloudEvent::source)
                .thenComparing(CloudEvent::sequenceNumber);
    }

    @Override
    public List<String> headings() {
        return HEADINGS;
    }

    /** A time; a node name; requirements-probe; bgp-speaker.peer.state-like types; a CIDR. */
    @Override
    public List<Integer> usualWidths() {
        return List.of(20, 10, 18, 16, 18, 0);
    }

    @Override
    public List<String> row(CloudEvent e) {
        return List.of(TIME.format(e.time()), orDash(e.node()), orDash(e.service()), shortType(e),
                orDash(e.subject()), details(e.data()));
    }

    @Override
    public String json(CloudEvent e) {
        return EventJson.encode(e);
    }

    /** The type without {@code dev.tabby.<service>.}, which the SERVICE column already says. */
    static String shortType(CloudEvent e) {
        String prefix = CloudEvent.TYPE_PREFIX + e.service() + ".";
        return e.service() != null && e.type().startsWith(prefix) && e.type().length() > prefix.length()
                ? e.type().substring(prefix.length()) : e.type();
    }

    /** The data as {@code key=value} pairs in the order sent; text with spaces quoted, lists and maps as JSON. */
    static String details(Map<String, Object> data) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> field : data.entrySet()) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(field.getKey()).append('=').append(value(field.getValue()));
            if (s.length() > DETAILS_WIDTH) {
                break;
            }
        }
        return s.length() > DETAILS_WIDTH ? s.substring(0, DETAILS_WIDTH - 3) + "..." : s.toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String text) {
            return text.isEmpty() || text.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"') ? quoted(text) : text;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return compactJson(v);
    }

    private static String quoted(String text) {
        return compactJson(text);
    }

    private static String compactJson(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
