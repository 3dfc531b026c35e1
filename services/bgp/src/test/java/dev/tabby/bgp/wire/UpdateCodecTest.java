package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.UpdateBytes.AS_PATH_2;
import static dev.tabby.bgp.wire.UpdateBytes.AS_PATH_4;
import static dev.tabby.bgp.wire.UpdateBytes.FOUR_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.FOUR_OCTET_EXTENDED;
import static dev.tabby.bgp.wire.UpdateBytes.NEXT_HOP;
import static dev.tabby.bgp.wire.UpdateBytes.NLRI_10_1;
import static dev.tabby.bgp.wire.UpdateBytes.ORIGIN_IGP;
import static dev.tabby.bgp.wire.UpdateBytes.TWO_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.body;
import static dev.tabby.bgp.wire.UpdateBytes.decode;
import static dev.tabby.bgp.wire.UpdateBytes.encode;
import static dev.tabby.bgp.wire.UpdateBytes.hex;
import static dev.tabby.bgp.wire.UpdateBytes.hexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tabby.bgp.wire.PathAttribute.AsPath;
import dev.tabby.bgp.wire.PathAttribute.Communities;
import dev.tabby.bgp.wire.PathAttribute.MpReach;
import dev.tabby.bgp.wire.PathAttribute.NextHop;
import dev.tabby.bgp.wire.PathAttribute.Origin;
import dev.tabby.bgp.wire.PathAttribute.Unknown;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Well-formed UPDATEs (RFC 4271 4.3, RFC 4760, RFC 6793): decoding and byte-for-byte round trips. */
class UpdateCodecTest {

    @Test
    void decodesTheRfc4271Layout() throws Exception {
        String bytes = body("18 C0A800", ORIGIN_IGP + AS_PATH_2 + NEXT_HOP, NLRI_10_1 + "20 C6336401");
        Update update = decode(bytes, TWO_OCTET);

        assertEquals(List.of(Prefix.parse("192.168.0.0/24")), update.withdrawn());
        assertEquals(List.of(Prefix.parse("10.1.0.0/16"), Prefix.parse("198.51.100.1/32")), update.nlri());
        assertEquals(new Origin(Origin.IGP), update.attribute(Origin.class));
        assertEquals(List.of(AsPathSegment.sequence(65001L)), update.attribute(AsPath.class).segments());
        assertEquals("192.0.2.1", update.attribute(NextHop.class).address().getHostAddress());
        assertFalse(update.treatAsWithdraw());
        assertEquals(List.of(), update.errors());
        assertEquals(2, update.type());
        assertEquals(hexOf(hex(bytes)), hexOf(encode(update, TWO_OCTET)));
    }

    @Test
    void everyAttributeRoundTripsOnAFourOctetSession() throws Exception {
        String mpReach = "80 0E 2C 0002 01 20"
                + "20010DB8000000000000000000000001 FE800000000000000000000000000001 00 30 20010DB80001";
        String attributes = mpReach
                + "40 01 01 02"
                + "40 02 14 01 02 0000FDF2 0000FDF3 02 02 0000FDE9 FA56EA00"
                + NEXT_HOP
                + "80 04 04 00000064"
                + "40 05 04 000000C8"
                + "40 06 00"
                + "C0 07 08 0000FDE9 C0000202"
                + "C0 08 08 FDE90064 FFFFFF01"
                + "80 09 04 0A000001"
                + "80 0A 08 0A000001 0A000002"
                + "C0 20 0C FA56EA00 00000001 00000002"
                + "C0 63 03 010203";
        String bytes = body("", attributes, NLRI_10_1);
        Update update = decode(bytes, FOUR_OCTET);

        assertEquals(List.of(), update.errors());
        assertEquals(13, update.attributes().size());
        assertEquals(List.of(new AsPathSegment(AsPathSegment.Type.AS_SET, List.of(65010L, 65011L)),
                AsPathSegment.sequence(65001L, 4_200_000_000L)), update.attribute(AsPath.class).segments());
        assertEquals(List.of(0xFDE90064L, 0xFFFFFF01L), update.attribute(Communities.class).values());
        assertEquals(new Unknown(0xC0, 99, new byte[] {1, 2, 3}), update.attribute(Unknown.class));
        assertEquals(hexOf(hex(bytes)), hexOf(encode(update, FOUR_OCTET)));
    }

    @Test
    void mpReachWithA32OctetIpv6NextHopKeepsGlobalAndLinkLocal() throws Exception {
        // RFC 4760 section 3, RFC 2545 section 3: next hop length 32 = global address then link-local address.
        String bytes = body("", "80 0E 2C 0002 01 20"
                + "20010DB8000000000000000000000001 FE800000000000000000000000000001 00 30 20010DB80001"
                + ORIGIN_IGP + AS_PATH_4, "");
        Update update = decode(bytes, FOUR_OCTET);

        MpReach reach = update.attribute(MpReach.class);
        assertEquals(AfiSafi.IPV6_UNICAST, reach.family());
        assertEquals(List.of(InetAddress.getByName("2001:db8::1"), InetAddress.getByName("fe80::1")),
                reach.nextHops());
        assertEquals(List.of(Prefix.parse("2001:db8:1::/48")), reach.nlri());
        assertFalse(update.treatAsWithdraw(), "NEXT_HOP is not needed when only MP_REACH_NLRI announces");
        assertEquals(hexOf(hex(bytes)), hexOf(encode(update, FOUR_OCTET)));
    }

    @Test
    void twoOctetSessionRoundTripsAs4AttributesAndMergesThePath() throws Exception {
        String attributes = ORIGIN_IGP
                + "40 02 06 02 02 FDE9 5BA0" // AS_SEQUENCE [65001, AS_TRANS]
                + NEXT_HOP
                + "C0 07 06 5BA0 C0000202" // AGGREGATOR AS_TRANS
                + "C0 11 06 02 01 FA56EA00" // AS4_PATH [4200000000]
                + "C0 12 08 FA56EA00 C0000202"; // AS4_AGGREGATOR
        String bytes = body("", attributes, NLRI_10_1);
        Update update = decode(bytes, TWO_OCTET);

        assertEquals(List.of(), update.errors());
        assertEquals(List.of(AsPathSegment.sequence(65001L, 4_200_000_000L)), update.mergedAsPath(TWO_OCTET));
        assertEquals(hexOf(hex(bytes)), hexOf(encode(update, TWO_OCTET)));
    }

    @Test
    void extendedLengthFlagIsSetWhenAValueExceeds255Octets() throws Exception {
        String communities = "D0 08 0118" + "FDE90001".repeat(70); // 280 octets, extended length
        String bytes = body("", ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + communities, NLRI_10_1);
        Update update = decode(bytes, FOUR_OCTET);

        assertEquals(70, update.attribute(Communities.class).values().size());
        assertEquals(hexOf(hex(bytes)), hexOf(encode(update, FOUR_OCTET)));

        String shortOne = body("", ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "C0 08 04 FDE90001", NLRI_10_1);
        assertEquals(hexOf(hex(shortOne)), hexOf(encode(decode(shortOne, FOUR_OCTET), FOUR_OCTET)),
                "a value of 255 octets or less keeps the 1-octet length");
    }

    @Test
    void anAsPathOf3000AsnsDecodesAndRoundTrips() throws Exception {
        StringBuilder value = new StringBuilder();
        for (int segment = 0; segment < 12; segment++) {
            value.append("02 FA");
            for (int i = 0; i < 250; i++) {
                value.append(String.format("%08X", 64_512 + segment * 250 + i));
            }
        }
        String asPath = String.format("50 02 %04X", hex(value.toString()).length) + value;
        String bytes = body("", ORIGIN_IGP + asPath + NEXT_HOP, NLRI_10_1);
        Update update = decode(bytes, FOUR_OCTET_EXTENDED);

        assertEquals(List.of(), update.errors());
        List<AsPathSegment> segments = update.attribute(AsPath.class).segments();
        assertEquals(3000, segments.stream().mapToInt(s -> s.asns().size()).sum());
        assertEquals(64_512L + 2999, segments.get(11).asns().get(249));
        assertEquals(hexOf(hex(bytes)), hexOf(encode(update, FOUR_OCTET_EXTENDED)));
    }

    @Test
    void aSegmentLongerThan255AsnsIsWrittenAsConsecutiveSegments() throws Exception {
        List<Long> asns = new java.util.ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            asns.add(65_536 + i);
        }
        Update update = Update.of(List.of(), List.of(new Origin(Origin.IGP),
                new AsPath(List.of(new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, asns))),
                new NextHop((java.net.Inet4Address) InetAddress.getByName("192.0.2.1"))),
                List.of(Prefix.parse("10.1.0.0/16")));
        Update back = decode(encode(update, FOUR_OCTET_EXTENDED), FOUR_OCTET_EXTENDED);

        List<AsPathSegment> segments = back.attribute(AsPath.class).segments();
        assertEquals(12, segments.size(), "3000 ASNs = 11 segments of 255 and one of 195");
        assertEquals(asns, segments.stream().flatMap(s -> s.asns().stream()).toList());
    }

    @Test
    void anAsnAbove65535IsWrittenAsAsTransOnATwoOctetSession() throws Exception {
        Update update = Update.of(List.of(), List.of(new AsPath(List.of(AsPathSegment.sequence(4_200_000_000L)))),
                List.of());
        assertEquals(hexOf(hex(body("", "40 02 04 02 01 5BA0", ""))), hexOf(encode(update, TWO_OCTET)));
    }

    @Test
    void unknownOptionalTransitiveIsPassedOnWithThePartialBit() throws Exception {
        String bytes = body("", ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "C0 63 03 010203", NLRI_10_1);
        Unknown unknown = decode(bytes, FOUR_OCTET).attribute(Unknown.class);

        Unknown propagated = unknown.propagated();
        assertNotNull(propagated);
        assertEquals(0xE0, propagated.flags(), "optional + transitive + partial");
        Update onward = Update.of(List.of(), List.of(new Origin(0), propagated), List.of());
        assertEquals(hexOf(hex(body("", ORIGIN_IGP + "E0 63 03 010203", ""))), hexOf(encode(onward, FOUR_OCTET)));
    }

    @Test
    void unknownOptionalNonTransitiveIsKeptButNotPassedOn() throws Exception {
        String bytes = body("", ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "80 63 01 FF", NLRI_10_1);
        Update update = decode(bytes, FOUR_OCTET);

        assertEquals(new Unknown(0x80, 99, new byte[] {(byte) 0xFF}), update.attribute(Unknown.class));
        assertNull(update.attribute(Unknown.class).propagated());
        assertFalse(update.treatAsWithdraw());
    }

    @Test
    void withdrawalOnlyUpdateNeedsNoAttributes() throws Exception {
        Update update = decode(body("08 0A 10 0A01", "", ""), TWO_OCTET);
        assertEquals(List.of(Prefix.parse("10.0.0.0/8"), Prefix.parse("10.1.0.0/16")), update.withdrawn());
        assertEquals(List.of(), update.errors());
    }

    @Test
    void prefixTrailingBitsSurviveTheRoundTrip() throws Exception {
        // RFC 4271 4.3: the bits after the prefix length are irrelevant; they are kept so re-encoding is exact.
        String bytes = body("", ORIGIN_IGP + AS_PATH_2 + NEXT_HOP, "0F 0A03");
        assertEquals(hexOf(hex(bytes)), hexOf(encode(decode(bytes, TWO_OCTET), TWO_OCTET)));
    }

    @Test
    void mpAttributesAreEncodedFirst() throws Exception {
        // RFC 7606 section 5.1: MP_REACH_NLRI / MP_UNREACH_NLRI SHALL be the first path attributes.
        Update update = Update.of(List.of(), List.of(new Origin(0),
                new PathAttribute.MpUnreach(AfiSafi.IPV6_UNICAST, List.of(Prefix.parse("2001:db8::/32")))),
                List.of());
        assertArrayEquals(hex(body("", "80 0F 08 0002 01 20 20010DB8" + ORIGIN_IGP, "")), encode(update, FOUR_OCTET));
    }
}
