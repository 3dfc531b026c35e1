package dev.tabby.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.AsNumber;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Numbers read from outside take '0'-'9' only, as Go's strconv and net packages do (libcalico-go release-v3.18
 * lib/numorstring: PortFromString and ASNumberFromString use strconv; the etcd backend's revisions likewise), while
 * Java's Character.isDigit and Integer.parseInt also read other scripts' digits: Arabic-Indic "١٢" is 12 to Java.
 */
class AsciiTest {
    private static final Pattern DIGIT = Pattern.compile("[0-9]");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]");
    private static final Pattern ALNUM = Pattern.compile("[a-zA-Z0-9]");
    private static final Pattern LOWER_ALNUM = Pattern.compile("[a-z0-9]");

    /** Arabic-Indic one, two; fullwidth eight, zero: digits to Character.isDigit, not to Go. */
    private static final String ARABIC_12 = "\u0661\u0662";
    private static final String FULLWIDTH_80 = "\uff18\uff10";

    @Test
    void classesMatchTheirRegexOverEveryChar() {
        for (int i = 0; i <= Character.MAX_VALUE; i++) {
            char c = (char) i;
            String s = String.valueOf(c);
            String at = " U+" + Integer.toHexString(i);
            assertEquals(DIGIT.matcher(s).matches(), Ascii.isDigit(c), "isDigit" + at);
            assertEquals(HEX.matcher(s).matches(), Ascii.isHex(c), "isHex" + at);
            assertEquals(ALNUM.matcher(s).matches(), Ascii.isAlnum(c), "isAlnum" + at);
            assertEquals(LOWER_ALNUM.matcher(s).matches(), Ascii.isLowerAlnum(c),
                    "isLowerAlnum" + at);
        }
    }

    @Test
    void digitRuns() {
        assertTrue(Ascii.isDigits("0123456789"));
        assertFalse(Ascii.isDigits(""), "an empty string is no number");
        assertFalse(Ascii.isDigits(ARABIC_12));
        assertFalse(Ascii.isDigits("1" + FULLWIDTH_80));
        assertTrue(Ascii.isDigits("80:90", 0, 2));
        assertFalse(Ascii.isDigits("80:90", 0, 3));
        assertTrue(Ascii.isDigits("x", 1, 1), "an empty range has no non-digit");
        assertTrue(Character.isDigit(ARABIC_12.charAt(0)), "the case these guard against");
        assertEquals(12, Integer.parseInt(ARABIC_12), "the case these guard against");
    }

    @Test
    void rulePortsRefuseOtherDigits() {
        assertEquals(Port.number(12), Port.from("12"));
        for (String bad : new String[] {ARABIC_12, FULLWIDTH_80, "80:" + FULLWIDTH_80, ARABIC_12 + ":90"}) {
            assertThrows(IllegalArgumentException.class, () -> Port.from(bad), () -> "accepted " + bad);
        }
    }

    @Test
    void protocolNumbersRefuseOtherDigits() {
        assertEquals(12, Protocol.parse("12").number());
        assertThrows(IllegalArgumentException.class, () -> Protocol.parse(ARABIC_12));
        assertThrows(IllegalArgumentException.class, () -> Protocol.from(ARABIC_12));
    }

    @Test
    void asNumbersRefuseOtherDigits() {
        assertEquals(12, AsNumber.parse("12").value());
        assertThrows(IllegalArgumentException.class, () -> AsNumber.parse(ARABIC_12));
        assertThrows(IllegalArgumentException.class, () -> AsNumber.parse("1." + ARABIC_12));
    }

    @Test
    void peerPortsRefuseOtherDigits() {
        String peer = """
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: peer1}
                spec: {peerIP: "10.0.0.1:%s", asNumber: 64512}
                """;
        assertEquals(1, ResourceCodec.read(peer.formatted("179")).resources().size());
        ManifestException e = assertThrows(ManifestException.class,
                () -> ResourceCodec.read(peer.formatted("\u0661\u0667\u0669")));
        assertTrue(e.getMessage().contains("is not allowed; allowed: 1..65535"), e.getMessage());
    }

    @Test
    void resourceVersionsRefuseOtherDigits() {
        String pool = """
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: pool1, resourceVersion: "%s"}
                spec: {cidr: 10.1.0.0/16}
                """;
        assertEquals(1, ResourceCodec.read(pool.formatted("12")).resources().size());
        ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read(pool.formatted(ARABIC_12)));
        assertTrue(e.getMessage().contains("is not a resource version"), e.getMessage());
    }
}
