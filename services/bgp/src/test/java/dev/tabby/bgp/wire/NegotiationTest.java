package dev.tabby.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Negotiated session parameters from two OPENs (RFC 4760 section 8, RFC 6793 section 4, RFC 8654 section 3). */
class NegotiationTest {
    private static Open open(Capability... caps) {
        return new Open(4, 65001, 90, 1, List.of(caps));
    }

    @Test
    void onlyWhatBothAnnounced() {
        Open local = open(Capability.MultiProtocol.of(AfiSafi.IPV4_UNICAST),
                Capability.MultiProtocol.of(AfiSafi.IPV6_UNICAST), new Capability.FourOctetAs(65001),
                new Capability.ExtendedMessage());
        Open remote = open(Capability.MultiProtocol.of(AfiSafi.IPV6_UNICAST), new Capability.FourOctetAs(65002));
        assertEquals(new Negotiated(true, false, Set.of(AfiSafi.IPV6_UNICAST)), Negotiation.negotiate(local, remote));
        assertEquals(Negotiation.negotiate(local, remote), Negotiation.negotiate(remote, local));
    }

    @Test
    void bothExtendedMessageAllows65535() {
        Open a = open(new Capability.ExtendedMessage());
        Negotiated n = Negotiation.negotiate(a, a);
        assertEquals(65535, n.maxMessageLength());
        assertEquals(false, n.fourOctetAs());
    }

    @Test
    void noMultiprotocolCapabilityMeansIpv4UnicastOnly() {
        Open plain = open();
        Open both = open(Capability.MultiProtocol.of(AfiSafi.IPV4_UNICAST),
                Capability.MultiProtocol.of(AfiSafi.IPV6_UNICAST));
        assertEquals(Set.of(AfiSafi.IPV4_UNICAST), Negotiation.negotiate(plain, both).families());
        Open v6only = open(Capability.MultiProtocol.of(AfiSafi.IPV6_UNICAST));
        assertEquals(Set.of(), Negotiation.negotiate(plain, v6only).families());
    }

    @Test
    void familiesTabbyDoesNotSpeakAreLeftOut() {
        Open vpn = open(new Capability.MultiProtocol(1, 128), Capability.MultiProtocol.of(AfiSafi.IPV4_UNICAST));
        assertEquals(Set.of(AfiSafi.IPV4_UNICAST), Negotiation.negotiate(vpn, vpn).families());
    }
}
