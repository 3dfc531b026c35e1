package dev.tabby.renderer.flows;

import dev.tabby.events.flows.FlowRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Verdicts and connection ends into flow records, one interval at a time; pure (no I/O, no clock), not thread-safe.
 *
 * <ul>
 * <li><b>Denied</b> connections: counted from their logged packets. Only first packets reach the policy chains
 * (established traffic is accepted at the top of the endpoint chains), and a dropped first packet leaves no
 * conntrack entry, so each retransmitted SYN is logged again: packets and bytes count every one, connections count
 * distinct five-tuples, and a five-tuple already denied in the previous interval (a SYN retransmitted across the
 * flush) is not counted again.</li>
 * <li><b>Allowed</b> connections: counted once at their logged first packet. Connections on one five-tuple are told
 * apart by conntrack id, or without ids by the SYN's sequence number ({@link ConnectionKey#sameConnection}): a
 * retransmitted first packet is not counted again, while a new connection on a reused five-tuple (a client reusing
 * its port before conntrack told of the old connection's end) is, and each end is matched to its own connection.
 * Their packets and bytes, both ways, come from conntrack when the
 * connection ends, and go to the record of the interval in which it ends (a connection still open at a flush shows
 * its counts later, in a record whose connections may be 0). A connection with a verdict on both of its endpoints on
 * this node (egress of one, ingress of the other) counts for both records.</li>
 * </ul>
 * Open allowed connections are remembered up to {@code maxOpen}; beyond it the oldest is forgotten (counted in
 * {@link #forgotten()}), so a connection that never ends (or whose first packet a later rule dropped) cannot grow memory.
 */
final class FlowAggregator {
    /** Distinct five-tuples kept per record and interval for counting denied connections; beyond, each packet counts. */
    static final int MAX_DENIED_TUPLES = 4096;

    private static final class Counts {
        long connections;
        long packets;
        long bytes;
        Set<ConnectionKey> denied;
    }

    /** An allowed connection not yet ended: who it is and the records it counts for (one per verdict direction). */
    private record Open(ConnectionKey key, List<FlowKey> flows) {
    }

    private final int maxOpen;
    /**
     * Open connections by five-tuple, oldest tuple first; a tuple holds more than one when a client reused its port
     * before conntrack told of the earlier connection's end, in the order they began, which is the order conntrack
     * ends them (one entry per tuple at a time: the old one is gone before the new one is confirmed).
     */
    private final LinkedHashMap<ConnectionKey, ArrayDeque<Open>> open = new LinkedHashMap<>();
    private int openCount;
    /** The conntrack ids of open connections, so the conntrack reader skips other ends before decoding them. */
    private final Set<Long> openIds = new HashSet<>();
    /** Open connections without an id, by {@link ConnectionKey#portsHash} modulo its length: the same, by ports. */
    private final int[] openWithoutId = new int[1 << 16];
    private Map<FlowKey, Counts> interval = new HashMap<>();
    /** The previous interval's denied five-tuples, per record: their retransmissions are no new connections. */
    private Map<FlowKey, Set<ConnectionKey>> deniedBefore = Map.of();
    private long forgotten;
    private long unmatchedEnds;

    FlowAggregator(int maxOpen) {
        this.maxOpen = maxOpen;
    }

    void verdict(Verdict v) {
        FlowKey key = v.flow();
        ConnectionKey connection = v.connection();
        if (v.allow()) {
            ConnectionKey tuple = connection.tuple();
            ArrayDeque<Open> same = open.get(tuple);
            Open o = null;
            if (same != null) {
                for (Open candidate : same) {
                    if (candidate.key().sameConnection(connection)) {
                        o = candidate;
                        break;
                    }
                }
            }
            if (o != null && o.flows().contains(key)) {
                return; // the first packet again (a SYN retransmitted before the answer): the same connection
            }
            if (o == null) {
                o = new Open(connection, new ArrayList<>(2));
                open.computeIfAbsent(tuple, t -> new ArrayDeque<>(1)).add(o);
                openCount++;
                index(connection, 1);
                forgetBeyondCapacity();
            }
            o.flows().add(key);
            counts(key).connections++;
            return;
        }
        Counts c = counts(key);
        if (c.denied == null) {
            c.denied = new HashSet<>();
        }
        // A dropped first packet's conntrack entry is never confirmed, so its retransmission may get another id:
        // denied connections are told apart by five-tuple.
        ConnectionKey tuple = connection.tuple();
        boolean fresh = c.denied.size() >= MAX_DENIED_TUPLES || c.denied.add(tuple);
        if (fresh && !deniedBefore.getOrDefault(key, Set.of()).contains(tuple)) {
            c.connections++;
        }
        c.packets++;
        c.bytes += v.length();
    }

    /**
     * A connection ended with these counts (both directions); ignored unless it began with a logged allow. The end's
     * conntrack id picks its connection among those open on the five-tuple; an end whose id no open connection has
     * takes the oldest one that began without an id (conntrack ends a tuple's entries in the order they began).
     */
    void end(ConnectionKey connection, long packets, long bytes) {
        Open o = take(connection);
        if (o == null) {
            unmatchedEnds++;
            return;
        }
        for (FlowKey k : o.flows()) {
            Counts c = counts(k);
            c.packets += packets;
            c.bytes += bytes;
        }
    }

    private Open take(ConnectionKey end) {
        ConnectionKey tuple = end.tuple();
        ArrayDeque<Open> same = open.get(tuple);
        if (same == null) {
            return null;
        }
        Open match = null;
        if (end.hasId()) {
            for (Open o : same) {
                if (o.key().ctId() == end.ctId()) {
                    match = o;
                    break;
                }
            }
        }
        if (match == null) {
            for (Open o : same) {
                if (!o.key().hasId()) {
                    match = o;
                    break;
                }
            }
        }
        if (match == null) {
            return null;
        }
        same.remove(match);
        if (same.isEmpty()) {
            open.remove(tuple);
        }
        openCount--;
        index(match.key(), -1);
        return match;
    }

    /**
     * Whether an end with this conntrack id, protocol and ports may be an open connection's, as the conntrack reader
     * can tell before decoding it: the rest are skipped. No false noes; a yes may still match nothing.
     */
    boolean wantsEnd(long ctId, int protocol, int srcPort, int dstPort) {
        return (ctId != ConnectionKey.NO_ID && openIds.contains(ctId))
                || openWithoutId[slot(protocol, srcPort, dstPort)] > 0;
    }

    private void index(ConnectionKey c, int delta) {
        if (c.hasId()) {
            if (delta > 0) {
                openIds.add(c.ctId());
            } else {
                openIds.remove(c.ctId());
            }
        } else {
            openWithoutId[slot(c.protocol(), c.srcPort(), c.dstPort())] += delta;
        }
    }

    private int slot(int protocol, int srcPort, int dstPort) {
        return ConnectionKey.portsHash(protocol, srcPort, dstPort) & (openWithoutId.length - 1);
    }

    private Counts counts(FlowKey key) {
        return interval.computeIfAbsent(key, k -> new Counts());
    }

    private void forgetBeyondCapacity() {
        Iterator<ArrayDeque<Open>> oldest = open.values().iterator();
        while (openCount > maxOpen && oldest.hasNext()) {
            ArrayDeque<Open> same = oldest.next();
            Open o = same.removeFirst();
            if (same.isEmpty()) {
                oldest.remove();
            }
            openCount--;
            index(o.key(), -1);
            forgotten++;
        }
    }

    /**
     * The interval's records, and a new interval begins. Connections still open stay remembered.
     *
     * @param names    an address's endpoint name ({@code <namespace>/<name>}, {@code host:<node>}), or null
     * @param sampling the share of this node's new connections in the interval that were recorded (both verdicts of each)
     */
    List<FlowRecord> flush(Instant start, Instant end, String node, Function<String, String> names, double sampling) {
        List<FlowRecord> out = new ArrayList<>(interval.size());
        Map<FlowKey, Set<ConnectionKey>> denied = new HashMap<>();
        for (Map.Entry<FlowKey, Counts> e : interval.entrySet()) {
            FlowKey k = e.getKey();
            Counts c = e.getValue();
            if (c.denied != null) {
                denied.put(k, c.denied);
            }
            if (c.connections == 0 && c.packets == 0) {
                continue;
            }
            out.add(new FlowRecord(start, end, node, k.srcIp(), name(names, k.srcIp()), k.dstIp(),
                    name(names, k.dstIp()), k.dstPort(), protocol(k.protocol()), k.allow() ? "allow" : "deny",
                    k.ingress() ? "ingress" : "egress", k.policy(), k.rule(), c.connections, c.packets, c.bytes,
                    sampling));
        }
        interval = new HashMap<>();
        deniedBefore = denied;
        return out;
    }

    private static String name(Function<String, String> names, String ip) {
        String n = names.apply(ip);
        return n == null || n.isEmpty() ? "-" : n;
    }

    /** The record's protocol: Calico's names for those it names in rules, the number otherwise. */
    static String protocol(int number) {
        return switch (number) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            default -> Integer.toString(number);
        };
    }

    /** Allowed connections remembered until they end. */
    int open() {
        return openCount;
    }

    /** Open connections forgotten because more than {@code maxOpen} were open. */
    long forgotten() {
        return forgotten;
    }

    /** Connection ends that matched no logged allow (begun before flow logs, sampled out, or forgotten). */
    long unmatchedEnds() {
        return unmatchedEnds;
    }
}
