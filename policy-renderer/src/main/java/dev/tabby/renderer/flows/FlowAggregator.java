package dev.tabby.renderer.flows;

import dev.tabby.events.flows.FlowRecord;
import java.time.Instant;
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

    /**
     * An allowed connection not yet ended: who it is, the records it counts for (one per verdict direction, so two at
     * most on one node; any more in {@code more}) and the next connection open on its five-tuple. Plain fields rather
     * than a list and a queue per connection: thousands are open at once, and every byte of them is copied by each
     * young collection until they end.
     */
    private static final class Open {
        /** Its five-tuple: the map's key, shared by every connection open on it. */
        final Tuple tuple;
        /** What tells it from others on its tuple, as {@link ConnectionKey}'s fields (no key object kept per connection). */
        final long ctId;
        final long synSeq;
        FlowKey first;
        FlowKey second;
        List<FlowKey> more;
        Open next;

        Open(Tuple tuple, long ctId, long synSeq) {
            this.tuple = tuple;
            this.ctId = ctId;
            this.synSeq = synSeq;
        }

        boolean hasId() {
            return ctId != ConnectionKey.NO_ID;
        }

        /** {@link ConnectionKey#sameConnection} of this connection and one with these fields, on the same tuple. */
        boolean sameConnection(long otherId, long otherSeq) {
            if (hasId() && otherId != ConnectionKey.NO_ID) {
                return ctId == otherId;
            }
            if (synSeq != ConnectionKey.NO_SEQ && otherSeq != ConnectionKey.NO_SEQ) {
                return synSeq == otherSeq;
            }
            return true;
        }

        boolean countsFor(FlowKey k) {
            return k.equals(first) || k.equals(second) || (more != null && more.contains(k));
        }

        void add(FlowKey k) {
            if (first == null) {
                first = k;
            } else if (second == null) {
                second = k;
            } else {
                if (more == null) {
                    more = new ArrayList<>(1);
                }
                more.add(k);
            }
        }
    }

    /**
     * A five-tuple as the key of {@link #open}: one reused {@link #probe} looks connections up, so a verdict or an end
     * of a connection with an id or SYN sequence number (every one the kernel logs) makes no key; a copy is kept only
     * for a tuple newly open.
     */
    private static final class Tuple {
        int protocol;
        String src;
        int srcPort;
        String dst;
        int dstPort;

        Tuple set(int protocol, String src, int srcPort, String dst, int dstPort) {
            this.protocol = protocol;
            this.src = src;
            this.srcPort = srcPort;
            this.dst = dst;
            this.dstPort = dstPort;
            return this;
        }

        Tuple copy() {
            Tuple t = new Tuple();
            t.protocol = protocol;
            t.src = src;
            t.srcPort = srcPort;
            t.dst = dst;
            t.dstPort = dstPort;
            return t;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tuple t && t.protocol == protocol && t.srcPort == srcPort && t.dstPort == dstPort
                    && t.src.equals(src) && t.dst.equals(dst);
        }

        @Override
        public int hashCode() {
            return (((protocol * 31 + src.hashCode()) * 31 + srcPort) * 31 + dst.hashCode()) * 31 + dstPort;
        }
    }

    private final Tuple probe = new Tuple();
    private final int maxOpen;
    /**
     * Open connections by five-tuple, oldest tuple first, each the head of a chain ({@link Open#next}); a tuple holds
     * more than one when a client reused its port before conntrack told of the earlier connection's end, in the order
     * they began, which is the order conntrack ends them (one entry per tuple at a time: the old one is gone before
     * the new one is confirmed).
     */
    private final LinkedHashMap<Tuple, Open> open = new LinkedHashMap<>();
    /**
     * One FlowKey object per record, so open connections hold shared keys rather than one each; emptied at each
     * flush so records no longer seen do not stay.
     */
    private final Map<FlowKey, FlowKey> flowKeys = new HashMap<>();
    private int openCount;
    /**
     * Open connections with a conntrack id, counted by a hash of the id modulo its length, so the conntrack reader
     * skips other ends before decoding them; counts rather than a set of ids: no boxed id and set entry kept per
     * connection, at the price of decoding the few ends whose id shares a slot.
     */
    private final int[] openIds = new int[1 << 16];
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
        ConnectionKey c = v.connection();
        verdict(v.flow(), c.srcPort(), c.ctId(), c.synSeq(), v.length());
    }

    /**
     * {@link #verdict(Verdict)} of a packet given by its record's key (whose addresses, protocol and destination port
     * are the packet's) and what else tells its connection apart: the NFLOG reader's way, which makes no verdict or
     * connection key per packet. {@code ctId} and {@code synSeq} as {@link ConnectionKey}'s.
     */
    void verdict(FlowKey key, int srcPort, long ctId, long synSeq, int length) {
        if (key.allow()) {
            Tuple tuple = probe.set(key.protocol(), key.srcIp(), srcPort, key.dstIp(), key.dstPort());
            Open head = open.get(tuple);
            Open o = head;
            while (o != null && !o.sameConnection(ctId, synSeq)) {
                o = o.next;
            }
            if (o != null && o.countsFor(key)) {
                return; // the first packet again (a SYN retransmitted before the answer): the same connection
            }
            if (o == null) {
                if (head == null) {
                    o = new Open(tuple.copy(), ctId, synSeq);
                    open.put(o.tuple, o);
                } else {
                    o = new Open(head.tuple, ctId, synSeq);
                    Open last = head;
                    while (last.next != null) {
                        last = last.next;
                    }
                    last.next = o;
                }
                openCount++;
                index(o, 1);
                forgetBeyondCapacity();
            }
            FlowKey shared = flowKeys.putIfAbsent(key, key);
            o.add(shared == null ? key : shared);
            counts(key).connections++;
            return;
        }
        Counts c = counts(key);
        if (c.denied == null) {
            c.denied = new HashSet<>();
        }
        // A dropped first packet's conntrack entry is never confirmed, so its retransmission may get another id:
        // denied connections are told apart by five-tuple.
        ConnectionKey tuple = new ConnectionKey(key.protocol(), key.srcIp(), srcPort, key.dstIp(), key.dstPort());
        boolean fresh = c.denied.size() >= MAX_DENIED_TUPLES || c.denied.add(tuple);
        if (fresh && !deniedBefore.getOrDefault(key, Set.of()).contains(tuple)) {
            c.connections++;
        }
        c.packets++;
        c.bytes += length;
    }

    /**
     * A connection ended with these counts (both directions); ignored unless it began with a logged allow. The end's
     * conntrack id picks its connection among those open on the five-tuple; an end whose id no open connection has
     * takes the oldest one that began without an id (conntrack ends a tuple's entries in the order they began).
     */
    void end(ConnectionKey connection, long packets, long bytes) {
        end(connection.protocol(), connection.src(), connection.srcPort(), connection.dst(), connection.dstPort(),
                connection.ctId(), packets, bytes);
    }

    /** {@link #end(ConnectionKey, long, long)} of the connection with these fields: no key made. */
    void end(int protocol, String src, int srcPort, String dst, int dstPort, long ctId, long packets, long bytes) {
        Open o = take(probe.set(protocol, src, srcPort, dst, dstPort), ctId);
        if (o == null) {
            unmatchedEnds++;
            return;
        }
        add(o.first, packets, bytes);
        add(o.second, packets, bytes);
        if (o.more != null) {
            for (FlowKey k : o.more) {
                add(k, packets, bytes);
            }
        }
    }

    private void add(FlowKey k, long packets, long bytes) {
        if (k != null) {
            Counts c = counts(k);
            c.packets += packets;
            c.bytes += bytes;
        }
    }

    private Open take(Tuple tuple, long ctId) {
        Open head = open.get(tuple);
        if (head == null) {
            return null;
        }
        Open match = null;
        if (ctId != ConnectionKey.NO_ID) {
            for (Open o = head; o != null && match == null; o = o.next) {
                if (o.ctId == ctId) {
                    match = o;
                }
            }
        }
        for (Open o = head; o != null && match == null; o = o.next) {
            if (!o.hasId()) {
                match = o;
            }
        }
        if (match == null) {
            return null;
        }
        if (match == head) {
            if (head.next == null) {
                open.remove(tuple);
            } else {
                open.replace(tuple, head.next); // keeps the tuple's place in the order
            }
        } else {
            Open before = head;
            while (before.next != match) {
                before = before.next;
            }
            before.next = match.next;
        }
        match.next = null;
        openCount--;
        index(match, -1);
        return match;
    }

    /**
     * Whether an end with this conntrack id, protocol and ports may be an open connection's, as the conntrack reader
     * can tell before decoding it: the rest are skipped. No false noes; a yes may still match nothing.
     */
    boolean wantsEnd(long ctId, int protocol, int srcPort, int dstPort) {
        // Ends carry ids even when logged packets come without (no NFULA_CT): then the ports decide.
        return (ctId != ConnectionKey.NO_ID && openIds[idSlot(ctId)] > 0)
                || openWithoutId[slot(protocol, srcPort, dstPort)] > 0;
    }

    private void index(Open o, int delta) {
        if (o.hasId()) {
            openIds[idSlot(o.ctId)] += delta;
        } else {
            openWithoutId[slot(o.tuple.protocol, o.tuple.srcPort, o.tuple.dstPort)] += delta;
        }
    }

    private int idSlot(long ctId) {
        return (int) ((ctId * 0x9E3779B97F4A7C15L) >>> 48) & (openIds.length - 1);
    }

    private int slot(int protocol, int srcPort, int dstPort) {
        return ConnectionKey.portsHash(protocol, srcPort, dstPort) & (openWithoutId.length - 1);
    }

    private Counts counts(FlowKey key) {
        return interval.computeIfAbsent(key, k -> new Counts());
    }

    private void forgetBeyondCapacity() {
        if (openCount <= maxOpen) {
            return; // no iterator made per connection
        }
        Iterator<Map.Entry<Tuple, Open>> oldest = open.entrySet().iterator();
        while (openCount > maxOpen && oldest.hasNext()) {
            Map.Entry<Tuple, Open> e = oldest.next();
            Open o = e.getValue();
            if (o.next == null) {
                oldest.remove();
            } else {
                e.setValue(o.next);
            }
            openCount--;
            index(o, -1);
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
        flowKeys.clear();
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
