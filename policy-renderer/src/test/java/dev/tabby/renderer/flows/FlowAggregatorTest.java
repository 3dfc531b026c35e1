package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.flows.FlowRecord;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verdicts and connection ends into records, with hand-made inputs. */
class FlowAggregatorTest {
    private static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");
    private static final Instant T1 = T0.plusSeconds(15);
    private static final Instant T2 = T1.plusSeconds(15);
    private static final Map<String, String> NAMES = Map.of("10.65.0.2", "shop/web", "10.65.0.3", "shop/db");

    private static ConnectionKey tcp(int srcPort, int dstPort) {
        return new ConnectionKey(6, "10.65.0.2", srcPort, "10.65.0.3", dstPort);
    }

    private static Verdict allow(ConnectionKey c, boolean ingress) {
        return new Verdict(ingress, true, "shop/default.allow-db", 0, c, 60);
    }

    private static Verdict deny(ConnectionKey c) {
        return new Verdict(true, false, "end-of-tier:default", -1, c, 60);
    }

    private static List<FlowRecord> flush(FlowAggregator a, Instant start, Instant end, double sampling) {
        List<FlowRecord> out = new java.util.ArrayList<>(a.flush(start, end, "n1", NAMES::get, sampling));
        out.sort(Comparator.comparing(FlowRecord::action).thenComparing(FlowRecord::direction));
        return out;
    }

    @Test
    void deniedConnectionsCountDistinctTuplesAndEveryLoggedPacket() {
        FlowAggregator a = new FlowAggregator(100);
        a.verdict(deny(tcp(40000, 5432)));
        a.verdict(deny(tcp(40000, 5432))); // the SYN retransmitted: same connection
        a.verdict(deny(tcp(40001, 5432)));
        List<FlowRecord> r = flush(a, T0, T1, 1.0);
        assertEquals(List.of(new FlowRecord(T0, T1, "n1", "10.65.0.2", "shop/web", "10.65.0.3", "shop/db", 5432,
                "tcp", "deny", "ingress", "end-of-tier:default", -1, 2, 3, 180, 1.0)), r);
        assertEquals(List.of(), flush(a, T1, T2, 1.0), "a new interval starts empty");
    }

    @Test
    void aDeniedSynRetransmittedAcrossTheFlushIsNoNewConnection() {
        FlowAggregator a = new FlowAggregator(100);
        a.verdict(deny(tcp(40000, 5432)));
        assertEquals(1, flush(a, T0, T1, 1.0).get(0).connections());
        a.verdict(deny(tcp(40000, 5432))); // retransmitted after the flush
        a.verdict(deny(tcp(40005, 5432))); // a new attempt
        FlowRecord second = flush(a, T1, T2, 1.0).get(0);
        assertEquals(1, second.connections(), "only the new five-tuple");
        assertEquals(2, second.packets());
        a.verdict(deny(tcp(40000, 5432))); // still retransmitting: still the same connection
        assertEquals(0, flush(a, T2, T2.plusSeconds(15), 1.0).get(0).connections());
        assertEquals(List.of(), flush(a, T2.plusSeconds(15), T2.plusSeconds(30), 1.0));
        a.verdict(deny(tcp(40000, 5432))); // after a quiet interval: the port used again, a new connection
        assertEquals(1, flush(a, T2.plusSeconds(30), T2.plusSeconds(45), 1.0).get(0).connections());
    }

    @Test
    void allowedConnectionsCountOnceAndTakeConntrackCountsWhenTheyEnd() {
        FlowAggregator a = new FlowAggregator(100);
        ConnectionKey c = tcp(40000, 80);
        a.verdict(allow(c, false)); // egress of web
        a.verdict(allow(c, true)); // ingress of db, same node
        a.verdict(allow(c, true)); // the first packet retransmitted
        List<FlowRecord> first = flush(a, T0, T1, 1.0);
        assertEquals(2, first.size(), first.toString());
        for (FlowRecord f : first) {
            assertEquals(1, f.connections(), f.toString());
            assertEquals(0, f.packets(), "still open at the flush: counts come when it ends");
        }
        assertEquals(1, a.open());
        a.end(c, 10, 1500);
        List<FlowRecord> second = flush(a, T1, T2, 1.0);
        assertEquals(2, second.size());
        for (FlowRecord f : second) {
            assertEquals(0, f.connections());
            assertEquals(10, f.packets());
            assertEquals(1500, f.bytes());
            assertEquals(T1, f.start());
        }
        assertEquals(0, a.open());
    }

    @Test
    void aConnectionEndingInItsOwnIntervalGivesOneCompleteRecord() {
        FlowAggregator a = new FlowAggregator(100);
        ConnectionKey c = tcp(40002, 80);
        a.verdict(allow(c, true));
        a.end(c, 6, 400);
        a.end(tcp(1, 2), 5, 5); // began before flow logs: nothing to add it to
        List<FlowRecord> r = flush(a, T0, T1, 0.5);
        assertEquals(List.of(new FlowRecord(T0, T1, "n1", "10.65.0.2", "shop/web", "10.65.0.3", "shop/db", 80, "tcp",
                "allow", "ingress", "shop/default.allow-db", 0, 1, 6, 400, 0.5)), r);
        assertEquals(1, a.unmatchedEnds());
    }

    @Test
    void openConnectionsAreBoundedOldestForgottenFirst() {
        FlowAggregator a = new FlowAggregator(2);
        a.verdict(allow(tcp(1, 80), true));
        a.verdict(allow(tcp(2, 80), true));
        a.verdict(allow(tcp(3, 80), true));
        assertEquals(2, a.open());
        assertEquals(1, a.forgotten());
        a.end(tcp(1, 80), 9, 9);
        assertEquals(1, a.unmatchedEnds(), "the oldest was forgotten");
        a.end(tcp(3, 80), 4, 40);
        FlowRecord r = flush(a, T0, T1, 1.0).get(0);
        assertEquals(3, r.connections());
        assertEquals(4, r.packets());
    }

    @Test
    void unknownAddressesAndProtocolsAreNamedPlainly() {
        FlowAggregator a = new FlowAggregator(10);
        a.verdict(new Verdict(false, false, "no-policy", -1, new ConnectionKey(47, "192.0.2.1", 0, "192.0.2.2", 0), 80));
        FlowRecord r = flush(a, T0, T1, 1.0).get(0);
        assertEquals("-", r.srcEndpoint());
        assertEquals("47", r.protocol());
        assertEquals("egress", r.direction());
        assertTrue(r.denied());
        assertEquals("udp", FlowAggregator.protocol(17));
        assertEquals("icmp", FlowAggregator.protocol(1));
    }

    private static ConnectionKey tcp(int srcPort, int dstPort, long ctId) {
        return new ConnectionKey(6, "10.65.0.2", srcPort, "10.65.0.3", dstPort, ctId);
    }

    /**
     * The benchmark's finding: a client reused its port before conntrack told of the previous connection's end, and
     * the new connection was taken for a retransmitted SYN of the old, so it was not counted and, the old end removing
     * the entry, its counts were lost. The conntrack id tells them apart.
     */
    @Test
    void aReusedFiveTupleIsTwoConnectionsEachWithItsOwnEndsCounts() {
        FlowAggregator a = new FlowAggregator(100);
        ConnectionKey old = tcp(40000, 80, 1001);
        ConnectionKey reused = tcp(40000, 80, 2002); // the same five-tuple, a new conntrack entry
        a.verdict(allow(old, false));
        a.verdict(allow(old, true));
        a.verdict(allow(reused, false));
        a.verdict(allow(reused, true));
        assertEquals(2, a.open());
        assertTrue(a.wantsEnd(1001, 6, 40000, 80) && a.wantsEnd(2002, 6, 40000, 80));
        assertTrue(!a.wantsEnd(3003, 6, 40000, 80), "an end no open connection has needs no decoding");
        a.end(old, 10, 1000); // the old connection's DESTROY, read after the new one's first packet
        a.end(reused, 6, 600);
        List<FlowRecord> r = flush(a, T0, T1, 1.0);
        assertEquals(2, r.size(), r.toString());
        for (FlowRecord f : r) {
            assertEquals(2, f.connections(), f.toString());
            assertEquals(16, f.packets(), "both ends' packets");
            assertEquals(1600, f.bytes(), "both ends' bytes");
        }
        assertEquals(0, a.open());
        assertEquals(0, a.unmatchedEnds());
        assertTrue(!a.wantsEnd(1001, 6, 40000, 80) && !a.wantsEnd(2002, 6, 40000, 80), "ended connections are no longer wanted");
    }

    @Test
    void aRetransmittedFirstPacketCarriesItsConnectionsIdAndCountsOnce() {
        FlowAggregator a = new FlowAggregator(100);
        ConnectionKey c = tcp(40001, 80, 7);
        a.verdict(allow(c, true));
        a.verdict(allow(c, true)); // the SYN again, before the answer: the same conntrack entry
        a.verdict(allow(c, true));
        a.end(c, 5, 300);
        FlowRecord r = flush(a, T0, T1, 1.0).get(0);
        assertEquals(1, r.connections());
        assertEquals(5, r.packets());
    }

    @Test
    void anEndWithAnIdMatchesAVerdictThatCameWithout() {
        FlowAggregator a = new FlowAggregator(100);
        a.verdict(allow(tcp(40002, 80), true)); // a kernel without nf_conntrack_netlink: no id on the packet
        assertTrue(a.wantsEnd(55, 6, 40002, 80), "an id-less connection is wanted by its ports");
        assertTrue(!a.wantsEnd(55, 6, 40003, 80), "other ports are not");
        a.end(tcp(40002, 80, 55), 4, 240);
        FlowRecord r = flush(a, T0, T1, 1.0).get(0);
        assertEquals(4, r.packets());
        assertEquals(0, a.open());
        assertTrue(!a.wantsEnd(55, 6, 40002, 80));
    }

    private static ConnectionKey syn(int srcPort, long seq) {
        return new ConnectionKey(6, "10.65.0.2", srcPort, "10.65.0.3", 80, ConnectionKey.NO_ID, seq);
    }

    /**
     * Kernels without CONFIG_NETFILTER_NETLINK_GLUE_CT give logged packets no conntrack id: the SYN's sequence number
     * tells a reused five-tuple's new connection from a retransmission, and ends (which carry an id no verdict has)
     * go to the tuple's connections in the order they began.
     */
    @Test
    void withoutIdsTheSynSequenceNumberTellsAReusedFiveTupleFromARetransmission() {
        FlowAggregator a = new FlowAggregator(100);
        a.verdict(allow(syn(40000, 111), false));
        a.verdict(allow(syn(40000, 111), true));
        a.verdict(allow(syn(40000, 111), true)); // retransmitted: same sequence number
        a.verdict(allow(syn(40000, 999), false)); // the port reused: another initial sequence number
        a.verdict(allow(syn(40000, 999), true));
        assertEquals(2, a.open());
        a.end(tcp(40000, 80, 5), 10, 1000); // the old connection's DESTROY: the first to begin
        a.end(tcp(40000, 80, 6), 6, 600);
        List<FlowRecord> r = flush(a, T0, T1, 1.0);
        assertEquals(2, r.size(), r.toString());
        for (FlowRecord f : r) {
            assertEquals(2, f.connections(), f.toString());
            assertEquals(16, f.packets());
            assertEquals(1600, f.bytes());
        }
        assertEquals(0, a.open());
        assertEquals(0, a.unmatchedEnds());
    }
}
