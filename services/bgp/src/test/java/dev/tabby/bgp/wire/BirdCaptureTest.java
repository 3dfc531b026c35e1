package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.Frames.decode;
import static dev.tabby.bgp.wire.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real OPEN: sent by BIRD 2.0.12 (Debian bookworm's bird2) from one network namespace to a TCP listener in
 * another, captured off the socket, with this protocol block:
 * <pre>
 * router id 10.0.0.1;
 * protocol bgp { local 10.250.0.1 as 4200000001; neighbor 10.250.0.2 port 1179 as 65002; hold time 90;
 *   graceful restart on; long lived graceful restart on; enable extended messages on; advertise hostname on;
 *   ipv4 { import all; export none; }; ipv6 { import all; export none; }; }
 * </pre>
 * BIRD puts every capability in one Capabilities parameter, as Tabby does, so the re-encoding is byte for byte.
 */
class BirdCaptureTest {
    static final String BIRD_OPEN = "ffffffffffffffffffffffffffffffff005901045ba0005a0a0000013c023a01040001000101"
            + "040002000102000600400a007800010100000201004104fa56ea014600470e00010100000e1000020100000e10490402766d00";

    @Test
    void decodesBirdsOpenAndEncodesItBack() throws Exception {
        byte[] wire = hex(BIRD_OPEN);
        Open open = (Open) decode(wire, Negotiated.BEFORE_OPEN);
        assertEquals(Open.AS_TRANS, open.myAs());
        assertEquals(4200000001L, open.peerAs());
        assertEquals(90, open.holdTime());
        assertEquals("10.0.0.1", open.bgpIdentifierText());
        assertEquals(List.of(
                new Capability.MultiProtocol(1, 1),
                new Capability.MultiProtocol(2, 1),
                new Capability.RouteRefresh(),
                new Capability.ExtendedMessage(),
                new Capability.GracefulRestart(0, 120, List.of(new Capability.GracefulRestart.Family(1, 1, 0),
                        new Capability.GracefulRestart.Family(2, 1, 0))),
                new Capability.FourOctetAs(4200000001L),
                new Capability.EnhancedRouteRefresh(),
                // Long-Lived Graceful Restart (71, RFC 9494) and FQDN (73, hostname "vm"): kept as received.
                new Capability.Unknown(71, hex("00010100000e1000020100000e10")),
                new Capability.Unknown(73, hex("02766d00"))), open.capabilities());
        assertArrayEquals(wire, Frames.encode(open, Negotiated.BEFORE_OPEN));
    }

    @Test
    void negotiatesWithBirdsOpen() throws Exception {
        Open bird = (Open) decode(hex(BIRD_OPEN), Negotiated.BEFORE_OPEN);
        Open tabby = Open.of(64512, 90, 0x0a000002, List.of(Capability.MultiProtocol.of(AfiSafi.IPV4_UNICAST),
                new Capability.ExtendedMessage()));
        Negotiated n = Negotiation.negotiate(tabby, bird);
        assertEquals(new Negotiated(true, true, java.util.Set.of(AfiSafi.IPV4_UNICAST)), n);
    }
}
