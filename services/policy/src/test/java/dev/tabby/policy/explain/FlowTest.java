package dev.tabby.policy.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.policy.explain.Flow.Direction;
import org.junit.jupiter.api.Test;

class FlowTest {
    private static String error(Direction d, String peer, String proto, Integer type, Integer code) {
        return assertThrows(IllegalArgumentException.class, () -> Flow.parse(d, peer, proto, type, code)).getMessage();
    }

    @Test
    void readsTheForms() {
        Flow f = Flow.parse(Direction.EGRESS, "10.0.0.5:6379/tcp", null, null, null);
        assertEquals("10.0.0.5", f.peer().toString());
        assertEquals(6, f.protocol().number());
        assertEquals(6379, f.port());
        assertEquals("10.0.0.5:6379/TCP", f.peerText());
        Flow bare = Flow.parse(Direction.INGRESS, "10.0.0.5", null, null, null);
        assertNull(bare.protocol());
        assertNull(bare.port());
        assertEquals("fd00::5", Flow.parse(Direction.EGRESS, "fd00::5", null, null, null).peerText());
        assertEquals("[fd00::5]:80/UDP", Flow.parse(Direction.EGRESS, "[fd00::5]:80/UDP", null, null, null).peerText());
        assertEquals("10.0.0.5 protocol ICMP type 8 code 0",
                Flow.parse(Direction.EGRESS, "10.0.0.5", "icmp", 8, 0).peerText());
    }

    @Test
    void oneLineErrors() {
        assertEquals("--to 10.0.0:80/TCP: \"10.0.0\" is not an IP address; expected IP or IP:PORT/PROTO, e.g. 10.0.0.5:6379/TCP",
                error(Direction.EGRESS, "10.0.0:80/TCP", null, null, null));
        assertEquals("--from 10.0.0.5:80: a port needs its protocol, e.g. 10.0.0.5:80/TCP",
                error(Direction.INGRESS, "10.0.0.5:80", null, null, null));
        assertEquals("--to 10.0.0.5:70000/TCP: port 70000 is out of range 1..65535",
                error(Direction.EGRESS, "10.0.0.5:70000/TCP", null, null, null));
        assertEquals("--to 10.0.0.5:http/TCP: \"http\" is not a port; one port 1..65535 (no ranges, no names)",
                error(Direction.EGRESS, "10.0.0.5:http/TCP", null, null, null));
        assertEquals("--to 10.0.0.5:80/XTP: \"XTP\" is not a protocol; allowed: TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1..255",
                error(Direction.EGRESS, "10.0.0.5:80/XTP", null, null, null));
        assertEquals("--to 10.0.0.5:80/ICMP: ICMP has no ports; give it with --protocol and no port",
                error(Direction.EGRESS, "10.0.0.5:80/ICMP", null, null, null));
        assertEquals("--icmp-type needs --protocol ICMPv6 for an IPv6 peer",
                error(Direction.EGRESS, "fd00::1", "ICMP", 8, null));
        assertEquals("--protocol UDP contradicts --to 10.0.0.5:80/TCP; give the protocol once",
                error(Direction.EGRESS, "10.0.0.5:80/TCP", "UDP", null, null));
        assertEquals("--icmp-code needs --icmp-type", error(Direction.EGRESS, "10.0.0.5", "ICMP", null, 0));
    }

    @Test
    void portsTakeAsciiDigitsOnly() {
        // Integer.parseInt reads Arabic-Indic "٨٠" as 80; a port on a command line is '0'-'9' only.
        assertEquals("--to 10.0.0.5:\u0668\u0660/TCP: \"\u0668\u0660\" is not a port; one port 1..65535 (no ranges, no names)",
                error(Direction.EGRESS, "10.0.0.5:\u0668\u0660/TCP", null, null, null));
    }
}
