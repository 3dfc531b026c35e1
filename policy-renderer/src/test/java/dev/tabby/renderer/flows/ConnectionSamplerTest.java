package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.renderer.flows.ConnectionSampler.Decision;
import org.junit.jupiter.api.Test;

/** The rate limit per connection: a connection's verdicts share its first verdict's fate, on a clock the test moves. */
class ConnectionSamplerTest {
    private static ConnectionKey conn(int srcPort, long ctId) {
        return new ConnectionKey(6, "10.65.0.2", srcPort, "10.65.0.3", 80, ctId);
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
}
