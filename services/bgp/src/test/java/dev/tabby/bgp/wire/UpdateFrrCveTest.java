package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.UpdateBytes.AS_PATH_4;
import static dev.tabby.bgp.wire.UpdateBytes.FOUR_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.NEXT_HOP;
import static dev.tabby.bgp.wire.UpdateBytes.NLRI_10_1;
import static dev.tabby.bgp.wire.UpdateBytes.ORIGIN_IGP;
import static dev.tabby.bgp.wire.UpdateBytes.body;
import static dev.tabby.bgp.wire.UpdateBytes.decode;
import static dev.tabby.bgp.wire.UpdateBytes.encode;
import static dev.tabby.bgp.wire.UpdateBytes.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.wire.AttributeError.Action;
import dev.tabby.bgp.wire.PathAttribute.MpUnreach;
import dev.tabby.bgp.wire.PathAttribute.Unknown;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The UPDATE triggers of FRR bgpd's 2023 CVEs, as bytes, each ending in its typed outcome: a decoded UPDATE with
 * the RFC 7606 action, or a BgpDecodeException carrying the NOTIFICATION; never any other exception.
 */
class UpdateFrrCveTest {

    private static BgpDecodeException reset(String bodyHex, int subcode) {
        BgpDecodeException e = assertThrows(BgpDecodeException.class, () -> decode(bodyHex, FOUR_OCTET));
        assertEquals(3, e.code());
        assertEquals(subcode, e.subcode(), e.getMessage());
        return e;
    }

    private static List<Integer> treatAsWithdrawCodes(Update update) {
        return update.errors().stream().filter(e -> e.action() == Action.TREAT_AS_WITHDRAW)
                .map(AttributeError::code).toList();
    }

    @Test
    void cve2023_38802_malformedTunnelEncapsulationIsPassedOnNotAReset() throws Exception {
        // Attribute 23 (RFC 9012 Tunnel Encapsulation), optional transitive, whose TLV claims 255 octets but
        // holds 3. Tabby does not recognise 23, so it neither parses nor rejects the value: kept, passed on Partial.
        String tunnelEncap = "C0 17 07 0007 00FF 000102";
        Update update = decode(body("", ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + tunnelEncap, NLRI_10_1), FOUR_OCTET);

        assertEquals(List.of(), update.errors());
        Unknown kept = update.attribute(Unknown.class);
        assertEquals(23, kept.code());
        assertEquals(0xE0, kept.propagated().flags());
        assertTrue(hexOf(encode(Update.of(List.of(), List.of(kept.propagated()), List.of()), FOUR_OCTET))
                .contains("E017070007"), "passed on with the Partial bit set");
    }

    @Test
    void cve2023_46752_mpReachWithAShortOrWrongNextHopResets() {
        // Next hop length 16 but only 10 octets follow.
        reset(body("", "80 0E 0E 0002 01 10 20010DB8000000000000", ""), 9);
        // Next hop length 5: no IPv6 next hop is 5 octets (RFC 7606 7.11: NLRI cannot be located).
        reset(body("", "80 0E 0A 0002 01 05 0102030405 00" + ORIGIN_IGP + AS_PATH_4, ""), 9);
        // Next hop length 32 in an attribute of 20 octets.
        reset(body("", "80 0E 14 0002 01 20 20010DB8000000000000000000000001", ""), 9);
    }

    @Test
    void cve2023_46753_attributeLengthBeyondTheMessageResets() {
        // AS_PATH claiming 255 octets where 4 remain.
        reset(body("", ORIGIN_IGP + "40 02 FF 02 01 FDE9", NLRI_10_1), 1);
        // Total path attribute length past the end of the UPDATE.
        reset("0000 0020" + ORIGIN_IGP, 1);
    }

    @Test
    void cve2023_46753_onlyAnUnknownTransitiveAttributeWithNlriIsTreatAsWithdraw() throws Exception {
        // The published trigger: NLRI with no mandatory attribute, just an unknown transitive one (type 31).
        Update update = decode(body("", "C0 1F 10 00112233445566778899AABBCCDDEEFF", NLRI_10_1), FOUR_OCTET);

        assertTrue(update.treatAsWithdraw());
        assertEquals(List.of(1, 2, 3), treatAsWithdrawCodes(update));
        assertEquals(List.of(Prefix.parse("10.1.0.0/16")), update.nlri());
    }

    @Test
    void cve2023_47234_mpUnreachOfLength3WithNlriAndNoAttributesIsTreatAsWithdraw() throws Exception {
        // MP_UNREACH_NLRI of 3 octets (AFI/SAFI only: the IPv6 End-of-RIB) plus IPv4 NLRI lacking ORIGIN,
        // AS_PATH and NEXT_HOP.
        Update update = decode(body("", "80 0F 03 000201", NLRI_10_1), FOUR_OCTET);

        assertEquals(new MpUnreach(AfiSafi.IPV6_UNICAST, List.of()), update.attribute(MpUnreach.class));
        assertEquals(List.of(1, 2, 3), treatAsWithdrawCodes(update));
    }

    @Test
    void cve2023_47234_mpUnreachShorterThanAfiSafiResets() {
        reset(body("", "80 0F 02 0002", NLRI_10_1), 9);
        reset(body("", "80 0F 00", ""), 9);
    }

    @Test
    void cve2023_47235_mpReachOfZeroOrShortLengthResets() {
        reset(body("", "80 0E 00" + ORIGIN_IGP + AS_PATH_4, ""), 9);
        reset(body("", "80 0E 03 000201" + ORIGIN_IGP + AS_PATH_4, ""), 9);
        reset(body("", "80 0E 04 00020110", ""), 9);
    }

    @Test
    void cve2023_47235_endOfRibWithAMalformedAttributeIsTreatAsWithdrawNotProcessed() throws Exception {
        // The published trigger: an UPDATE with no NLRI (an End-of-RIB shape) carrying a malformed attribute. It
        // must come back as treat-as-withdraw, which withdraws nothing, rather than as a normal UPDATE.
        Update update = decode(body("", "40 01 02 0000", ""), FOUR_OCTET);
        assertTrue(update.treatAsWithdraw());
        assertEquals(List.of(), update.nlri());
        assertFalse(update.attributes().stream().anyMatch(a -> a.code() == 1));
    }
}
