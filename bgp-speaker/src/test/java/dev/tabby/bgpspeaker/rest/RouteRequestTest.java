package dev.tabby.bgpspeaker.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import java.net.Inet6Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteRequestTest {
    static String refusal(Runnable r) {
        String m = assertThrows(InvalidRequest.class, r::run).getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        return m;
    }

    @Test
    void afiIsIpv4OrIpv6() {
        assertEquals(AfiSafi.IPV4_UNICAST, RouteRequest.family("ipv4"));
        assertEquals(AfiSafi.IPV6_UNICAST, RouteRequest.family("ipv6"));
        assertEquals("ipv6", RouteRequest.afi(AfiSafi.IPV6_UNICAST));
    }

    @Test
    void aMissingAfiIsRefusedWithTheRemedy() {
        assertEquals("afi is missing: add afi=ipv4 or afi=ipv6 to the query", refusal(() -> RouteRequest.family(null)));
        assertEquals("afi is missing: add afi=ipv4 or afi=ipv6 to the query", refusal(() -> RouteRequest.family("")));
    }

    @Test
    void anUnknownAfiIsRefusedByName() {
        assertEquals("afi \"inet\" is not known: use afi=ipv4 or afi=ipv6", refusal(() -> RouteRequest.family("inet")));
        assertEquals("afi \"IPv4\" is not known: use afi=ipv4 or afi=ipv6", refusal(() -> RouteRequest.family("IPv4")));
    }

    @Test
    void noPeerMeansAllRoutesAndAPeerIsALiteralAddress() {
        assertNull(RouteRequest.peer(null));
        assertEquals("10.0.0.2", RouteRequest.peer("10.0.0.2").getHostAddress());
        assertTrue(RouteRequest.peer("fd00::2") instanceof Inet6Address);
    }

    @Test
    void aBadPeerAddressIsRefusedAndNeverLookedUp() {
        assertEquals("peer \"node2\" is not an IP address: give the peer's address as GET /v1/peers lists it",
                refusal(() -> RouteRequest.peer("node2")));
        refusal(() -> RouteRequest.peer("10.0.0"));
        refusal(() -> RouteRequest.peer("10.0.0.256"));
        refusal(() -> RouteRequest.peer(""));
        refusal(() -> RouteRequest.peer("fe80::1%eth0"));
    }

    @Test
    void prefixesAreReadOneALineSkippingBlankLinesAndDuplicates() {
        List<Prefix> p = RouteRequest.prefixes("10.0.0.0/24\r\n\n  192.168.0.0/16  \n10.0.0.0/24\n",
                AfiSafi.IPV4_UNICAST);

        assertEquals(List.of("10.0.0.0/24", "192.168.0.0/16"), RouteRequest.text(p));
    }

    @Test
    void ipv6PrefixesArePrintedBackInRfc5952Form() {
        List<Prefix> p = RouteRequest.prefixes("FD00:0:0:1::/64\n::/0", AfiSafi.IPV6_UNICAST);

        assertEquals(List.of("fd00:0:0:1::/64", "::/0"), RouteRequest.text(p));
        assertFalse(p.get(0).ipv4());
    }

    @Test
    void anIpv4MappedIpv6PrefixStaysIpv6() {
        Prefix p = RouteRequest.prefixes("::ffff:10.0.0.0/120", AfiSafi.IPV6_UNICAST).get(0);

        assertTrue(p.address() instanceof Inet6Address);
        assertEquals(120, p.length());
    }

    @Test
    void aLineThatIsNotAPrefixIsNamedByNumber() {
        String m = refusal(() -> RouteRequest.prefixes("10.0.0.0/24\n\nfoo\n", AfiSafi.IPV4_UNICAST));

        assertTrue(m.startsWith("line 3: \"foo\" is not a prefix ("), m);
        assertTrue(m.endsWith("): write ADDRESS/LENGTH, e.g. 10.0.0.0/24"), m);
    }

    @Test
    void aBareAddressABadAddressAndABadLengthAreNotPrefixes() {
        assertTrue(refusal(() -> RouteRequest.prefixes("10.0.0.1", AfiSafi.IPV4_UNICAST))
                .startsWith("line 1: \"10.0.0.1\" is not a prefix"));
        assertTrue(refusal(() -> RouteRequest.prefixes("10.0.0/24", AfiSafi.IPV4_UNICAST))
                .startsWith("line 1: \"10.0.0/24\" is not a prefix"));
        assertTrue(refusal(() -> RouteRequest.prefixes("10.0.0.0/33", AfiSafi.IPV4_UNICAST))
                .contains("is longer than IPv4 allows (32)"));
        assertTrue(refusal(() -> RouteRequest.prefixes("10.0.0.0/-1", AfiSafi.IPV4_UNICAST))
                .startsWith("line 1: \"10.0.0.0/-1\" is not a prefix"));
        assertTrue(refusal(() -> RouteRequest.prefixes("fd00::/129", AfiSafi.IPV6_UNICAST))
                .contains("is longer than IPv6 allows (128)"));
    }

    @Test
    void anIpv6PrefixWithAfiIpv4IsRefused() {
        assertEquals("line 2: \"2001:db8::/32\" is an IPv6 prefix but the query says afi=ipv4",
                refusal(() -> RouteRequest.prefixes("10.0.0.0/24\n2001:db8::/32", AfiSafi.IPV4_UNICAST)));
        assertEquals("line 1: \"10.0.0.0/24\" is an IPv4 prefix but the query says afi=ipv6",
                refusal(() -> RouteRequest.prefixes("10.0.0.0/24", AfiSafi.IPV6_UNICAST)));
    }

    @Test
    void hostBitsAreRefusedWithTheNetworkMeant() {
        assertEquals("line 1: \"10.0.0.1/24\" has host bits set: did you mean 10.0.0.0/24?",
                refusal(() -> RouteRequest.prefixes("10.0.0.1/24", AfiSafi.IPV4_UNICAST)));
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertEquals("the body holds no prefix: send one prefix a line, e.g. 10.0.0.0/24",
                refusal(() -> RouteRequest.prefixes("\n  \n", AfiSafi.IPV4_UNICAST)));
        assertEquals("the body holds no prefix: send one prefix a line, e.g. fd00:1::/64",
                refusal(() -> RouteRequest.prefixes(null, AfiSafi.IPV6_UNICAST)));
    }

    @Test
    void aLongLineIsRefusedWithoutEchoingItWhole() {
        String junk = "x".repeat(10_000);
        String m = refusal(() -> RouteRequest.prefixes(junk, AfiSafi.IPV4_UNICAST));

        assertTrue(m.startsWith("line 1: \"" + "x".repeat(RouteRequest.LONGEST_PREFIX) + "...\" is not a prefix: it is"
                + " 10000 characters long"), m);
        assertTrue(m.length() < 200, m);
    }

    @Test
    void theLongestPrefixThereIsFits() {
        String longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128";

        assertEquals(RouteRequest.LONGEST_PREFIX, longest.length());
        assertEquals(List.of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
                RouteRequest.text(RouteRequest.prefixes(longest, AfiSafi.IPV6_UNICAST)));
    }

    @Test
    void controlCharactersInALineDoNotBreakTheOneLineMessage() {
        String m = refusal(() -> RouteRequest.prefixes("10.0.0.0/2\u00074", AfiSafi.IPV4_UNICAST));

        assertTrue(m.startsWith("line 1: \"10.0.0.0/2?4\""), m);
    }
}
