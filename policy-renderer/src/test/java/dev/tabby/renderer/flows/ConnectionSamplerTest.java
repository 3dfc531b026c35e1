package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.nflog.NflogPacket;
import dev.tabby.netlink.nflog.NflogView;
import dev.tabby.renderer.flows.ConnectionSampler.Decision;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rate limit per connection: a connection's verdicts share its first verdict's fate, on a clock the test moves. */
class ConnectionSamplerTest {
    private static NflogView conn(int srcPort, long ctId) {
        return conn("10.65.0.2", srcPort, ctId, NflogPacket.NO_SYN);
    }

    private static NflogView conn(String src, int srcPort, long ctId, long synSeq) {
        return new NflogView().set(new NflogPacket(1, "p", 6, IpAddress.parse(src), IpAddress.parse("10.65.0.3"),
                srcPort, 80, 60, 0, 0, ctId, synSeq));
    }

    @Test
    void bothVerdictsOfAConnectionAreKeptOrDroppedTogether() {
        ConnectionSampler s = new ConnectionSampler(2, 100);
        assertEquals(Decision.KEEP_NEW, s.decide(conn(1, 11), 0)); // egress of the client
        assertEquals(Decision.KEEP, s.decide(conn(1, 11), 0)); // ingress of the server: no second token
        assertEquals(Decision.KEEP_NEW, s.decide(conn(2, 12), 0));
        assertEquals(Decision.DROP_NEW, s.decide(conn(3, 13), 0), "the bucket held 2 connections");
        assertEquals(Decision.DROP, s.decide(conn(3, 13), 0), "its other verdict goes with it");
        assertEquals(Decision.DROP, s.decide(conn(3, 13), 1_000_000_000L),
                "a retransmission after the refill keeps the connection's fate");
        assertEquals(Decision.KEEP_NEW, s.decide(conn(4, 14), 1_000_000_000L));
    }

    @Test
    void aReusedFiveTupleWithAnotherConntrackIdIsDecidedAnew() {
        ConnectionSampler s = new ConnectionSampler(1, 100);
        assertEquals(Decision.KEEP_NEW, s.decide(conn(1, 11), 0));
        assertEquals(Decision.DROP_NEW, s.decide(conn(1, 12), 0), "a new connection: a new decision");
    }

    @Test
    void decisionsAreRememberedForTheLastConnectionsOnly() {
        ConnectionSampler s = new ConnectionSampler(1000, 2);
        s.decide(conn(1, 1), 0);
        s.decide(conn(2, 2), 0);
        s.decide(conn(3, 3), 0);
        assertEquals(Decision.KEEP_NEW, s.decide(conn(1, 1), 0), "the oldest was forgotten: decided again");
        assertEquals(Decision.KEEP, s.decide(conn(3, 3), 0));
        assertThrows(IllegalArgumentException.class, () -> new ConnectionSampler(10, 0));
    }

    @Test
    void connectionsDifferingOnlyInSynSequenceOrAddressFamilyAreApart() {
        ConnectionSampler s = new ConnectionSampler(1, 100);
        assertEquals(Decision.KEEP_NEW, s.decide(conn("10.65.0.2", 1, NflogPacket.NO_CT_ID, 7), 0));
        assertEquals(Decision.DROP_NEW, s.decide(conn("10.65.0.2", 1, NflogPacket.NO_CT_ID, 8), 0));
        assertEquals(Decision.KEEP, s.decide(conn("10.65.0.2", 1, NflogPacket.NO_CT_ID, 7), 0));
        assertEquals(Decision.DROP_NEW, s.decide(conn("::a41:2", 1, NflogPacket.NO_CT_ID, 7), 0),
                "an IPv6 address with the IPv4 one's low bits is another connection");
    }

    /**
     * Many connections through a small memory, against a LinkedHashMap that forgets its eldest: every decision is the
     * model's, so forgetting the oldest (and closing its hole in the table) never loses or confuses a younger one.
     */
    @Test
    void remembersExactlyTheLastConnectionsUnderChurn() {
        int capacity = 50;
        ConnectionSampler s = new ConnectionSampler(1_000_000, capacity);
        Map<String, Boolean> model = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
        Random random = new Random(16);
        for (int n = 0; n < 20_000; n++) {
            int port = random.nextInt(120); // some come back while remembered, some after they were forgotten
            long id = random.nextInt(2);
            String key = port + "/" + id;
            Decision d = s.decide(conn(port, id), 0);
            boolean known = model.containsKey(key);
            assertEquals(known, !d.isNew(), "connection " + key + " at step " + n);
            if (!known) {
                model.put(key, true);
            }
        }
    }
}
