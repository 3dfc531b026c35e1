package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.events.flows.FlowRecord;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.nflog.NflogPacket;
import dev.tabby.policy.render.FlowPolicyNames;
import dev.tabby.policy.render.VerdictPrefix;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader side without a kernel: decoding logged packets, the rate limit stated as sampling, the flush into
 * CloudEvents. The kernel path is {@link FlowLogsKernelTest}'s.
 */
class FlowLogsTest {
    private static final CommandRunner NO_COMMANDS = (argv, stdin) -> new CommandRunner.Result(0, "", "");

    private static FlowLogs flowLogs(EventHub hub) {
        FlowLogs.Sources none = new FlowLogs.Sources() {
            @Override
            public FlowSource<dev.tabby.netlink.nflog.NflogView> verdicts(java.util.Collection<Integer> groups) {
                throw new UnsupportedOperationException("not started in this test");
            }

            @Override
            public FlowSource<dev.tabby.netlink.nflog.ConntrackEndView> ends(
                    dev.tabby.netlink.nflog.ConntrackEvents.EndFilter wanted) {
                throw new UnsupportedOperationException("not started in this test");
            }
        };
        return new FlowLogs("n1", NO_COMMANDS, none, hub, Clock.systemUTC());
    }

    private static NflogPacket packet(int group, String prefix, int srcPort) {
        return new NflogPacket(group, prefix, 6, IpAddress.parse("10.65.0.2"), IpAddress.parse("10.65.0.3"), srcPort,
                5432, 60, 3, 4);
    }

    private static NflogPacket packet(int group, String prefix, int srcPort, long ctId) {
        return new NflogPacket(group, prefix, 6, IpAddress.parse("10.65.0.2"), IpAddress.parse("10.65.0.3"), srcPort,
                5432, 60, 3, 4, ctId);
    }

    @Test
    void packetsDecodeByGroupAndPrefixAndForeignOnesAreSkipped() {
        FlowLogs f = flowLogs(new EventHub(16));
        String deny = VerdictPrefix.of(false, 2, "default.db").encode();
        Verdict v = f.decode(packet(1, deny, 40000));
        assertTrue(v.ingress());
        assertEquals(2, v.rule());
        assertEquals("unknown:" + VerdictPrefix.idOf("default.db"), v.policy(), "an id the renderer has not rendered");
        assertEquals(new ConnectionKey(6, "10.65.0.2", 40000, "10.65.0.3", 5432), v.connection());
        assertEquals(new ConnectionKey(6, "10.65.0.2", 40000, "10.65.0.3", 5432, 77),
                f.decode(packet(1, deny, 40000, 77)).connection(), "the conntrack id names the connection");
        assertEquals(false, f.decode(packet(2, deny, 1)).ingress(), "group 2: egress");
        assertNull(f.decode(packet(1, "ulogd: ", 1)), "another program's rule in our group");
        assertNull(f.decode(packet(7, deny, 1)), "not one of our groups");
        f.onPacket(packet(1, "ulogd: ", 1));
        assertEquals(1, f.foreignPackets());
        f.close();
    }

    @Test
    void beyondTheRateLimitVerdictsAreDroppedCountedAndTheRecordSaysSo() {
        EventHub hub = new EventHub(64);
        List<CloudEvent> seen = new ArrayList<>();
        hub.subscribe(e -> seen.add(e));
        FlowLogs f = flowLogs(hub);
        f.beginInterval(java.time.Instant.now()); // as start() does once the readers are open
        String deny = VerdictPrefix.of(false, -1, "end-of-tier:default").encode();
        int sent = 3000;
        for (int i = 0; i < sent; i++) {
            f.onPacket(packet(1, deny, 10000 + i));
        }
        f.flush();
        assertEquals(sent, f.verdictsRead());
        long kept = sent - f.rateLimited();
        assertTrue(f.rateLimited() > 0 && kept >= 1000, "the default limit is 1000 a second: kept " + kept);
        assertEquals(1, seen.size());
        CloudEvent e = seen.get(0);
        assertEquals(FlowRecord.EVENT_TYPE, e.type());
        assertEquals("/nodes/n1/policy-renderer", e.source());
        FlowRecord r = FlowRecord.fromData(e.data());
        assertEquals(kept, r.connections());
        assertEquals((double) kept / sent, r.sampling(), 1e-9);
        assertEquals("end-of-tier:default", r.policy(), "the implicit drop's name is always known");
        assertEquals(1, f.recordsEmitted());
        f.close();
    }

    /**
     * The benchmark's finding: with a per-verdict limit the client's egress verdict took the token and the server's
     * ingress verdict of the same packet was mostly dropped, so ingress records counted a fraction of egress ones
     * under the same sampling. Per connection, both directions count the same connections and sampling is their share.
     */
    @Test
    void theRateLimitKeepsOrDropsBothVerdictsOfAConnectionAndSamplingIsTheShareOfConnections() {
        EventHub hub = new EventHub(64);
        List<CloudEvent> seen = new ArrayList<>();
        hub.subscribe(e -> seen.add(e));
        FlowLogs f = flowLogs(hub);
        f.beginInterval(java.time.Instant.now());
        String allow = VerdictPrefix.of(true, 0, FlowPolicyNames.endOfTier(FlowPolicyNames.DEFAULT_TIER)).encode();
        int connections = 3000;
        for (int i = 0; i < connections; i++) {
            f.onPacket(packet(2, allow, 10000 + i, 5000 + i)); // the client's egress verdict
            f.onPacket(packet(1, allow, 10000 + i, 5000 + i)); // the server's ingress verdict of the same packet
            f.onPacket(packet(2, allow, 10000 + i, 5000 + i)); // a retransmitted SYN: same decision, same count
        }
        f.flush();
        assertEquals(2, seen.size());
        FlowRecord a = FlowRecord.fromData(seen.get(0).data());
        FlowRecord b = FlowRecord.fromData(seen.get(1).data());
        assertEquals(a.connections(), b.connections(), "ingress and egress count the same connections");
        long kept = a.connections();
        assertTrue(kept >= 1000 && kept < connections, "the default limit is 1000 connections a second: kept " + kept);
        assertEquals((double) kept / connections, a.sampling(), 1e-9, "the share of connections kept");
        assertEquals(a.sampling(), b.sampling());
        assertEquals(3 * (connections - kept), f.rateLimited(),
                "every verdict of a dropped connection is counted as dropped");
        f.close();
    }
}
