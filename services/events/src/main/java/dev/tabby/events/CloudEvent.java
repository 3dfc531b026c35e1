package dev.tabby.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened on a node, as a CloudEvents 1.0 event (JSON format, spec v1.0.2).
 *
 * @param id        unique per source (a UUID)
 * @param source    {@code /nodes/<node>/<service>}
 * @param type      {@code dev.tabby.<service>.<what>}, e.g. {@code dev.tabby.vxlan-manager.route.added}
 * @param subject   what it is about (a route's CIDR, a peer's address, a workload endpoint), or null
 * @param time      when it happened
 * @param sequence  the CloudEvents "sequence" extension: this source's counter, zero-padded to 19 digits so that it
 *                  orders as a string, as the extension asks; it restarts at 1 with the process (a new id space)
 * @param data      the event's fields, JSON-able (strings, numbers, booleans, lists, maps); never null
 */
public record CloudEvent(String id, String source, String type, String subject, Instant time, String sequence,
                         Map<String, Object> data) {
    public static final String SPEC_VERSION = "1.0";
    public static final String TYPE_PREFIX = "dev.tabby.";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        data = data == null ? Map.of() : data;
    }

    /** The node in {@code /nodes/<node>/<service>}, or null when the source is not of that form. */
    public String node() {
        String[] parts = source.split("/", -1);
        return parts.length == 4 && parts[0].isEmpty() && parts[1].equals("nodes") ? parts[2] : null;
    }

    /** The service in {@code /nodes/<node>/<service>}, or null when the source is not of that form. */
    public String service() {
        String[] parts = source.split("/", -1);
        return parts.length == 4 && parts[0].isEmpty() && parts[1].equals("nodes") ? parts[3] : null;
    }

    /** The sequence as a number, or -1 when it has none. */
    public long sequenceNumber() {
        try {
            return sequence == null ? -1 : Long.parseLong(sequence);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code /nodes/<node>/<service>}. */
    public static String sourceOf(String node, String service) {
        return "/nodes/" + node + "/" + service;
    }
}
