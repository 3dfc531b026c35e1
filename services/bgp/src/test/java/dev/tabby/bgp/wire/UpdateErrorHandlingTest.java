package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.UpdateBytes.AS_PATH_2;
import static dev.tabby.bgp.wire.UpdateBytes.AS_PATH_4;
import static dev.tabby.bgp.wire.UpdateBytes.FOUR_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.NEXT_HOP;
import static dev.tabby.bgp.wire.UpdateBytes.NLRI_10_1;
import static dev.tabby.bgp.wire.UpdateBytes.ORIGIN_IGP;
import static dev.tabby.bgp.wire.UpdateBytes.TWO_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.body;
import static dev.tabby.bgp.wire.UpdateBytes.decode;
import static dev.tabby.bgp.wire.UpdateBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.wire.AttributeError.Action;
import dev.tabby.bgp.wire.PathAttribute.Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Path;
import dev.tabby.bgp.wire.PathAttribute.AtomicAggregate;
import dev.tabby.bgp.wire.PathAttribute.MpReach;
import dev.tabby.bgp.wire.PathAttribute.Origin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7606 (and RFC 4271 6.3, RFC 6793 6, RFC 8092 6): each malformation and the action it gets. */
class UpdateErrorHandlingTest {

    /** Decodes a 4-octet-session UPDATE announcing 10.1/16 with the given attributes (hex). */
    private static Update announce(String attributes) throws BgpDecodeException {
        return decode(body("", attributes, NLRI_10_1), FOUR_OCTET);
    }

    private static void assertOnly(Update update, int code, Action action) {
        assertEquals(1, update.errors().size(), () -> "errors: " + update.errors());
        assertEquals(code, update.errors().get(0).code(), () -> "errors: " + update.errors());
        assertEquals(action, update.errors().get(0).action(), () -> "errors: " + update.errors());
        assertEquals(action == Action.TREAT_AS_WITHDRAW, update.treatAsWithdraw());
        assertEquals(List.of(Prefix.parse("10.1.0.0/16")), update.nlri(), "the routes stay known to withdraw");
    }

    private static BgpDecodeException reset(String bodyHex, Negotiated negotiated, int subcode) {
        BgpDecodeException e = assertThrows(BgpDecodeException.class, () -> decode(bodyHex, negotiated));
        assertEquals(3, e.code(), "UPDATE Message Error");
        assertEquals(subcode, e.subcode(), e.getMessage());
        return e;
    }

    @Test
    void originWithoutTheTransitiveFlagIsTreatAsWithdraw() throws Exception {
        // RFC 7606 3.c: Optional/Transitive bits in conflict with the type -> malformed -> treat-as-withdraw.
        Update update = announce("00 01 01 00" + AS_PATH_4 + NEXT_HOP);
        assertOnly(update, 1, Action.TREAT_AS_WITHDRAW);
        assertNull(update.attribute(Origin.class));
        assertTrue(update.errors().get(0).reason().contains("flags 0x0"), update.errors().get(0).reason());
    }

    @Test
    void optionalAttributeSentAsWellKnownIsTreatAsWithdraw() throws Exception {
        Update update = announce(ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "40 08 04 FDE90001"); // COMMUNITIES, O bit clear
        assertOnly(update, 8, Action.TREAT_AS_WITHDRAW);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // RFC 7606 7.1
        "ORIGIN undefined value 3,          40 01 01 03, 1",
        "ORIGIN length 2,                   40 01 02 0000, 1",
        // RFC 7606 7.3, 7.4, 7.5
        "NEXT_HOP length 5,                 40 03 05 C000020100, 3",
        "MULTI_EXIT_DISC length 3,          80 04 03 000064, 4",
        "LOCAL_PREF length 2,               40 05 02 0064, 5",
        // RFC 7606 7.8, 7.9, 7.10; RFC 8092 6
        "COMMUNITIES length 0,              C0 08 00, 8",
        "COMMUNITIES length 5,              C0 08 05 FDE9000101, 8",
        "ORIGINATOR_ID length 3,            80 09 03 0A0000, 9",
        "CLUSTER_LIST length 6,             80 0A 06 0A0000010A00, 10",
        "LARGE_COMMUNITIES length 10,       C0 20 0A 00000001000000020000, 32",
    })
    void malformedValueIsTreatAsWithdraw(String what, String attribute, int code) throws Exception {
        String rest = switch (code) {
            case 1 -> AS_PATH_4 + NEXT_HOP;
            case 3 -> ORIGIN_IGP + AS_PATH_4;
            default -> ORIGIN_IGP + AS_PATH_4 + NEXT_HOP;
        };
        // Keep the attributes in code order, as a real speaker sends them.
        String attributes = code == 1 ? attribute + rest : code == 3 ? rest + attribute : rest + attribute;
        assertOnly(announce(attributes), code, Action.TREAT_AS_WITHDRAW);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // RFC 7606 7.2: unknown segment type, zero segment length, overrun, a single octet left over
        "segment type 5,            40 02 06 05 01 0000FDE9",
        "segment type 0,            40 02 06 00 01 0000FDE9",
        "segment length 0,          40 02 02 02 00",
        "segment overruns,          40 02 06 02 02 0000FDE9",
        "one octet left over,       40 02 07 02 01 0000FDE9 02",
    })
    void malformedAsPathIsTreatAsWithdraw(String what, String asPath) throws Exception {
        Update update = announce(ORIGIN_IGP + asPath + NEXT_HOP);
        assertOnly(update, 2, Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void confederationSegmentsAreRecognisedInAsPath() throws Exception {
        // RFC 5065 section 3: types 3 and 4 are valid AS_PATH segments (whether an eBGP peer may send them is
        // the session's question).
        Update update = announce(ORIGIN_IGP + "40 02 0C 03 01 0000FDE9 02 01 0000FDEA" + NEXT_HOP);
        assertEquals(List.of(), update.errors());
    }

    @Test
    void malformedAtomicAggregateIsDiscarded() throws Exception {
        // RFC 7606 7.6
        Update update = announce(ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "40 06 01 00");
        assertOnly(update, 6, Action.ATTRIBUTE_DISCARD);
        assertNull(update.attribute(AtomicAggregate.class));
    }

    @Test
    void aggregatorLengthFollowsTheNegotiatedAsnSize() throws Exception {
        // RFC 7606 7.7: 6 octets without 4-octet ASNs, 8 with; otherwise attribute discard.
        Update twoOctet = decode(body("", ORIGIN_IGP + AS_PATH_2 + NEXT_HOP + "C0 07 08 0000FDE9 C0000202",
                NLRI_10_1), TWO_OCTET);
        assertOnly(twoOctet, 7, Action.ATTRIBUTE_DISCARD);
        assertNull(twoOctet.attribute(Aggregator.class));

        Update fourOctet = announce(ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "C0 07 06 FDE9 C0000202");
        assertOnly(fourOctet, 7, Action.ATTRIBUTE_DISCARD);
    }

    @Test
    void malformedAs4AttributesAreDiscarded() throws Exception {
        // RFC 6793 section 6: malformed AS4_PATH / AS4_AGGREGATOR -> attribute discard; confed segments forbidden.
        String base = ORIGIN_IGP + AS_PATH_2 + NEXT_HOP;
        for (String as4 : List.of("C0 11 05 02 01 0000FD", "C0 11 06 03 01 0000FDE9", "C0 12 06 FDE9 C0000202")) {
            Update update = decode(body("", base + as4, NLRI_10_1), TWO_OCTET);
            assertOnly(update, hex(as4)[1], Action.ATTRIBUTE_DISCARD);
        }
    }

    @Test
    void as4PathFromAFourOctetSpeakerIsDiscarded() throws Exception {
        // RFC 6793 4.1: a NEW speaker does not send AS4_PATH to a NEW speaker.
        Update update = announce(ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "C0 11 06 02 01 FA56EA00");
        assertOnly(update, 17, Action.ATTRIBUTE_DISCARD);
        assertNull(update.attribute(As4Path.class));
    }

    @Test
    void duplicateAttributeKeepsTheFirst() throws Exception {
        // RFC 7606 3.g
        Update update = announce(ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "40 01 01 02");
        assertOnly(update, 1, Action.ATTRIBUTE_DISCARD);
        assertEquals(new Origin(Origin.IGP), update.attribute(Origin.class));
        assertEquals(1, update.attributes().stream().filter(a -> a instanceof Origin).count());
    }

    @Test
    void duplicateMpReachOrMpUnreachResetsTheSession() {
        // RFC 7606 3.g: a repeated MP_REACH_NLRI / MP_UNREACH_NLRI -> Malformed Attribute List.
        String unreach = "80 0F 03 000201";
        reset(body("", unreach + unreach, ""), FOUR_OCTET, 1);
        String reach = "80 0E 15 000201 10 20010DB8000000000000000000000001 00";
        reset(body("", reach + reach + ORIGIN_IGP + AS_PATH_4, ""), FOUR_OCTET, 1);
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({"1", "2", "3"})
    void missingMandatoryAttributeIsTreatAsWithdraw(int missing) throws Exception {
        // RFC 7606 3.d; RFC 4271 5: ORIGIN, AS_PATH, NEXT_HOP with NLRI in the NLRI field.
        StringBuilder attributes = new StringBuilder();
        if (missing != 1) {
            attributes.append(ORIGIN_IGP);
        }
        if (missing != 2) {
            attributes.append(AS_PATH_4);
        }
        if (missing != 3) {
            attributes.append(NEXT_HOP);
        }
        assertOnly(announce(attributes.toString()), missing, Action.TREAT_AS_WITHDRAW);
    }

    @Test
    void mpReachWithoutOriginIsTreatAsWithdrawAndKeepsItsRoutes() throws Exception {
        // RFC 4760 section 3 routes need ORIGIN and AS_PATH too; RFC 7606 2: withdraw the MP_REACH routes.
        Update update = decode(body("", "80 0E 1C 0002 01 10 20010DB8000000000000000000000001 00 30 20010DB80001"
                + AS_PATH_4, ""), FOUR_OCTET);
        assertTrue(update.treatAsWithdraw());
        assertEquals(List.of(Prefix.parse("2001:db8:1::/48")), update.attribute(MpReach.class).nlri());
    }

    @Test
    void mpReachWithWrongFlagsIsKeptSoItsRoutesCanBeWithdrawn() throws Exception {
        Update update = decode(body("", "C0 0E 1C 0002 01 10 20010DB8000000000000000000000001 00 30 20010DB80001"
                + ORIGIN_IGP + AS_PATH_4, ""), FOUR_OCTET);
        assertTrue(update.treatAsWithdraw());
        assertNotNull(update.attribute(MpReach.class));
    }

    @Test
    void unrecognisedWellKnownAttributeResetsWithTheAttributeAsData() {
        // RFC 4271 6.3: Unrecognized Well-known Attribute, data = the attribute.
        BgpDecodeException e = reset(body("", ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + "40 63 01 AA", NLRI_10_1),
                FOUR_OCTET, 2);
        assertArrayEquals(hex("40 63 01 AA"), e.data());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "body of 3 octets,                        000000",
        "withdrawn length past the body,          0005 0A00 0000",
        "withdrawn length leaves no attr length,  0002 080A",
        "total attribute length past the body,    0000 0010 40010100",
        "attribute length past the attributes,    0000 0004 40 01 05 00",
        "extended length cut off,                 0000 0003 50 01 00",
        "lone flags octet,                        0000 0005 40010100 40",
    })
    void lengthsThatDoNotAddUpResetTheSession(String what, String bodyHex) {
        // RFC 4271 6.3: Malformed Attribute List (see UpdateCodec.readHeaderLength for RFC 7606 section 4).
        reset(bodyHex, FOUR_OCTET, 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "NLRI prefix length 33,         0000 0000 21 0A000000 00",
        "NLRI prefix overruns,          0000 0000 18 0A00",
        "withdrawn prefix length 33,    0005 21 0A000000 0000",
        "withdrawn prefix overruns,     0002 18 0A 0000",
    })
    void badPrefixFieldResetsWithInvalidNetworkField(String what, String bodyHex) {
        // RFC 7606 5.3: the NLRI cannot be parsed, so treat-as-withdraw is impossible: session reset.
        reset(bodyHex, FOUR_OCTET, 10);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "IPv6 prefix length 129,            80 0E 17 0002 01 10 20010DB8000000000000000000000001 00 81 20",
        "IPv6 prefix overruns,              80 0E 18 0002 01 10 20010DB8000000000000000000000001 00 30 2001",
        "IPv4 next hop of 16,               80 0E 16 0001 01 10 20010DB8000000000000000000000001 00 00",
        "family not negotiated (VPNv4),     80 0E 0A 0001 80 04 C0000201 00 00",
        "MP_UNREACH IPv4 prefix length 40,  80 0F 05 0001 01 28 0A",
    })
    void malformedMpAttributeResetsWithOptionalAttributeError(String what, String attribute) {
        // RFC 7606 7.11, 5.3; RFC 4760 section 7.
        BgpDecodeException e = reset(body("", attribute + ORIGIN_IGP + AS_PATH_4, ""), FOUR_OCTET, 9);
        assertArrayEquals(hex(attribute), e.data(), "data = the offending attribute");
    }

    @Test
    void ipv6MpReachOnAnIpv4OnlySessionResets() {
        reset(body("", "80 0E 15 0002 01 10 20010DB8000000000000000000000001 00" + ORIGIN_IGP + AS_PATH_2, ""),
                TWO_OCTET, 9);
    }

    @Test
    void nextHopAttributeWithOnlyMpNlriIsKept() throws Exception {
        // RFC 4760 section 3: NEXT_HOP then SHOULD be ignored; it is not an error.
        Update update = decode(body("", "80 0E 15 0002 01 10 20010DB8000000000000000000000001 00"
                + ORIGIN_IGP + AS_PATH_4 + NEXT_HOP, ""), FOUR_OCTET);
        assertFalse(update.treatAsWithdraw());
    }
}
