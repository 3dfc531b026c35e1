package dev.tabby.renderer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FlowTallyTest {
    private static String record(String src, String dst, int port, String action, String direction, long conns,
                                 double sampling) {
        return ("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/nodes/bench/policy-renderer\","
                + "\"type\":\"dev.tabby.policy-renderer.flow\",\"data\":{\"srcIp\":\"%s\",\"dstIp\":\"%s\",\"dstPort\":%d,"
                + "\"protocol\":\"tcp\",\"action\":\"%s\",\"direction\":\"%s\",\"connections\":%d,\"packets\":%d,"
                + "\"bytes\":%d,\"sampling\":%s}}").formatted(src, dst, port, action, direction, conns, conns * 10,
                conns * 600, sampling);
    }

    @Test
    void connectionsOfTheBenchFlowPerDirectionAndTheRestApart() {
        FlowTally t = new FlowTally("10.65.0.1", "10.65.0.2", 7000);
        t.accept(record("10.65.0.1", "10.65.0.2", 7000, "allow", "ingress", 300, 1.0));
        t.accept(record("10.65.0.1", "10.65.0.2", 7000, "allow", "egress", 299, 1.0));
        t.accept(record("10.65.0.1", "10.65.0.2", 7000, "allow", "ingress", 200, 0.5));
        t.accept(record("10.65.0.9", "10.65.0.2", 7000, "deny", "ingress", 4, 1.0));
        t.accept(record("10.65.0.1", "10.65.0.2", 53, "allow", "egress", 7, 1.0));
        t.accept("{\"type\":\"dev.tabby.policy-renderer.ready\",\"data\":{}}");
        t.accept("not json");
        FlowTally.Counts c = t.now();
        assertEquals(5, c.records());
        assertEquals(500, c.ingressConnections());
        assertEquals(299, c.egressConnections());
        assertEquals(7, c.otherConnections());
        assertEquals(4, c.denied());
        assertEquals(0.5, c.minSampling());
        assertEquals(2, c.unreadable());
    }

    @Test
    void aMarkStartsTheCountAndTheLowestSamplingAfresh() {
        FlowTally t = new FlowTally("10.65.0.1", "10.65.0.2", 7000);
        t.accept(record("10.65.0.1", "10.65.0.2", 7000, "allow", "ingress", 10, 0.25));
        FlowTally.Counts mark = t.mark();
        t.accept(record("10.65.0.1", "10.65.0.2", 7000, "allow", "ingress", 3, 1.0));
        FlowTally.Counts since = t.now().minus(mark);
        assertEquals(1, since.records());
        assertEquals(3, since.ingressConnections());
        assertEquals(1.0, since.minSampling());
    }
}
