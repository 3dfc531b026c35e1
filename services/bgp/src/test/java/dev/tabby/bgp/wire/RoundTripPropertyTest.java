package dev.tabby.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every message this codec can write reads back equal, and every proper prefix of it reads as incomplete (null),
 * never as an error: a stream delivers messages in arbitrary pieces (RFC 4271 section 4.1 frames them by length).
 */
class RoundTripPropertyTest {
    @Property(tries = 2000)
    void encodeThenDecodeGivesTheMessageBack(@ForAll("messages") BgpMessage message, @ForAll int cutSeed)
            throws BgpDecodeException {
        byte[] wire = Frames.encode(message, Negotiated.BEFORE_OPEN);
        assertEquals(message, Frames.decode(wire, Negotiated.BEFORE_OPEN));
        int cut = Math.floorMod(cutSeed, wire.length);
        assertNull(BgpFraming.decode(Unpooled.wrappedBuffer(Arrays.copyOf(wire, cut)), Negotiated.BEFORE_OPEN),
                "a prefix of " + cut + " of " + wire.length + " octets is incomplete");
    }

    @Provide
    Arbitrary<BgpMessage> messages() {
        return Arbitraries.oneOf(opens(), notifications(), refreshes(), Arbitraries.just(Keepalive.INSTANCE));
    }

    private static Arbitrary<BgpMessage> opens() {
        Arbitrary<Capability> capability = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 255))
                        .as(Capability.MultiProtocol::new),
                Arbitraries.just(new Capability.RouteRefresh()),
                Arbitraries.just(new Capability.EnhancedRouteRefresh()),
                Arbitraries.just(new Capability.ExtendedMessage()),
                Arbitraries.longs().between(1, 0xFFFF_FFFFL).map(Capability.FourOctetAs::new),
                Combinators.combine(Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, 4095),
                                Combinators.combine(Arbitraries.integers().between(0, 0xFFFF),
                                                Arbitraries.integers().between(0, 255),
                                                Arbitraries.integers().between(0, 255))
                                        .as(Capability.GracefulRestart.Family::new).list().ofMaxSize(4))
                        .as(Capability.GracefulRestart::new),
                Combinators.combine(Arbitraries.of(3, 5, 9, 69, 71, 73, 128, 255),
                                Arbitraries.bytes().array(byte[].class).ofMaxSize(255))
                        .as(Capability.Unknown::new));
        return Combinators.combine(Arbitraries.integers().between(1, 0xFFFF),
                        Arbitraries.of(0, 3, 90, 65535), Arbitraries.integers().filter(id -> id != 0),
                        capability.list().ofMaxSize(12))
                .as((as, hold, id, caps) -> (BgpMessage) new Open(4, as, hold, id, List.copyOf(caps)));
    }

    private static Arbitrary<BgpMessage> notifications() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((code, subcode, data) -> (BgpMessage) new Notification(code, subcode, data));
    }

    private static Arbitrary<BgpMessage> refreshes() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(0, 255))
                .as((afi, subtype, safi) -> (BgpMessage) new RouteRefresh(afi, subtype, safi));
    }
}
