package dev.tabby.events.flows;

import dev.tabby.events.CloudEvent;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What policy did to the flows between two endpoints over one interval on one node: the aggregate a flow log holds.
 * Travels as the data of a CloudEvent of type {@code dev.tabby.policy-renderer.flow} (topic {@code tabby.flows},
 * {@code GET /v1/flows}).
 *
 * @param start        the interval's start
 * @param end          the interval's end
 * @param node         the node whose policy gave the verdict
 * @param srcIp        source address
 * @param srcEndpoint  the source's workload endpoint as {@code <namespace>/<name>}, {@code host:<node>} for a host, or
 *                     "-" when it is not known here
 * @param dstIp        destination address
 * @param dstEndpoint  as srcEndpoint, for the destination
 * @param dstPort      destination port (0 for a protocol without ports)
 * @param protocol     "tcp", "udp", "icmp", "sctp" or the protocol number
 * @param action       "allow" or "deny"
 * @param direction    "ingress" or "egress": whose policy, the destination's or the source's
 * @param policy       the policy ({@code <tier>.<name>}, {@code <namespace>/<tier>.<name>}), the profile
 *                     ({@code profile:<name>}), or {@code end-of-tier:<tier>} / {@code no-policy} for the implicit drop
 * @param rule         the rule's index within the policy's rules for that direction; -1 for an implicit verdict
 * @param connections  connections (first packets) given this verdict in the interval
 * @param packets      packets of those connections seen in the interval (both ways for allowed ones, from conntrack)
 * @param bytes        bytes of those connections, as packets
 * @param sampling     the share of this node's verdicts in the interval that were recorded: 1.0 unless the rate limit
 *                     dropped some, in which case the counts cover only the recorded share
 */
public record FlowRecord(Instant start, Instant end, String node, String srcIp, String srcEndpoint, String dstIp,
                         String dstEndpoint, int dstPort, String protocol, String action, String direction,
                         String policy, int rule, long connections, long packets, long bytes, double sampling) {
    public static final String EVENT_WHAT = "flow";
    public static final String EVENT_TYPE = CloudEvent.TYPE_PREFIX + "policy-renderer." + EVENT_WHAT;

    public FlowRecord {
        if (!"allow".equals(action) && !"deny".equals(action)) {
            throw new IllegalArgumentException("flow action must be allow or deny, was " + action);
        }
        if (!"ingress".equals(direction) && !"egress".equals(direction)) {
            throw new IllegalArgumentException("flow direction must be ingress or egress, was " + direction);
        }
        if (dstPort < 0 || dstPort > 65535) {
            throw new IllegalArgumentException("flow dstPort out of range: " + dstPort);
        }
        if (connections < 0 || packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("flow counts must not be negative");
        }
        if (!(sampling > 0 && sampling <= 1)) {
            throw new IllegalArgumentException("flow sampling must be in (0, 1], was " + sampling);
        }
    }

    /** "10.0.0.1 -> 10.0.0.2:80/tcp": the event's subject. */
    public String subject() {
        return srcIp + " -> " + dstIp + (dstPort > 0 ? ":" + dstPort : "") + "/" + protocol;
    }

    public boolean denied() {
        return "deny".equals(action);
    }

    /** The CloudEvent data: every component by name, times as RFC 3339. */
    public Map<String, Object> toData() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start.toString());
        m.put("end", end.toString());
        m.put("node", node);
        m.put("srcIp", srcIp);
        m.put("srcEndpoint", srcEndpoint);
        m.put("dstIp", dstIp);
        m.put("dstEndpoint", dstEndpoint);
        m.put("dstPort", dstPort);
        m.put("protocol", protocol);
        m.put("action", action);
        m.put("direction", direction);
        m.put("policy", policy);
        m.put("rule", rule);
        m.put("connections", connections);
        m.put("packets", packets);
        m.put("bytes", bytes);
        m.put("sampling", sampling);
        return m;
    }

    /** The record in an event's data; IllegalArgumentException naming the field when one is missing or wrong. */
    public static FlowRecord fromData(Map<String, ?> d) {
        return new FlowRecord(time(d, "start"), time(d, "end"), text(d, "node"), text(d, "srcIp"),
                text(d, "srcEndpoint"), text(d, "dstIp"), text(d, "dstEndpoint"), (int) number(d, "dstPort"),
                text(d, "protocol").toLowerCase(Locale.ROOT), text(d, "action"), text(d, "direction"),
                text(d, "policy"), (int) number(d, "rule"), number(d, "connections"), number(d, "packets"),
                number(d, "bytes"), fraction(d, "sampling"));
    }

    private static String text(Map<String, ?> d, String k) {
        Object v = d.get(k);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("flow record field '" + k + "' must be a non-empty string");
        }
        return s;
    }

    private static long number(Map<String, ?> d, String k) {
        Object v = d.get(k);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("flow record field '" + k + "' must be a whole number");
        }
        return n.longValue();
    }

    private static double fraction(Map<String, ?> d, String k) {
        Object v = d.get(k);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("flow record field '" + k + "' must be a number");
        }
        return n.doubleValue();
    }

    private static Instant time(Map<String, ?> d, String k) {
        String s = text(d, k);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("flow record field '" + k + "' is not an RFC 3339 time: " + s);
        }
    }
}
