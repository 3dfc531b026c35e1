package dev.tabby.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.1/24, 10.0.0.0/24",
            "10.0.0.0/8, 10.0.0.0/8",
            "192.168.255.255/16, 192.168.0.0/16",
            "0.0.0.0/0, 0.0.0.0/0",
            "FD00:0:0:0::1/64, fd00::/64",
            "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
            "2001:0db8:0000:0000:0000:ff00:0042:8329/48, 2001:db8::/48",
            "::ffff:10.0.0.1/128, ::ffff:a00:1/128",
    })
    void normalisesToTheNetwork(String in, String canonical) {
        assertEquals(canonical, Cidr.parse(in).network().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0/8", "010.0.0.0/8", "10.0.0.256/8",
            "fd00::/129", "fd00:::1/64", "host.example/24", "10.0.0.0/-1", "10.0.0.0/ 8", "",
            // Other scripts' digits, which Go's net.ParseCIDR refuses: Arabic-Indic one, fullwidth 8, fullwidth 'A'.
            "10.0.0.0/\u0661", "10.0.0.0/\uff18", "fd00::\uff21/64"})
    void refusesWhatIsNotACidr(String in) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(in));
    }

    /** Each refusal names the text and what is wrong with it, the same with the prefix read by a loop (issue 16). */
    static Stream<Arguments> refusals() {
        String noPrefix = "\" has no valid prefix length after '/'";
        return Stream.of(
                Arguments.of("10.0.0.0", "\"10.0.0.0\" is not a CIDR; expected address/prefix, e.g. 10.0.0.0/16"),
                Arguments.of("10.0.0.0/", "\"10.0.0.0/" + noPrefix),
                Arguments.of("10.0.0.0/0008", "\"10.0.0.0/0008" + noPrefix),
                Arguments.of("10.0.0.0/8a", "\"10.0.0.0/8a" + noPrefix),
                Arguments.of("10.0.0.0/+8", "\"10.0.0.0/+8" + noPrefix),
                Arguments.of("10.0.0.0/33", "\"10.0.0.0/33\": prefix length /33 is longer than IPv4 allows (32)"),
                Arguments.of("fd00::/129", "\"fd00::/129\": prefix length /129 is longer than IPv6 allows (128)"),
                Arguments.of("fd00::g/64", "\"fd00::g\" is not an IP address"),
                Arguments.of("10.0.0/8", "\"10.0.0\" is not an IP address"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusalsSayWhatIsWrong(String in, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Cidr.parse(in)).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/08, 8", "10.0.0.0/032, 32", "fd00::/128, 128", "fd00::/0, 0"})
    void readsPrefixLengthsOfOneToThreeDigits(String in, int prefix) {
        assertEquals(prefix, Cidr.parse(in).prefixLength());
    }

    /** BIRD's {@code net ~ pool}, as confd's filters use it: inside or equal, never wider, never the other family. */
    @Test
    void coversItselfAndLongerPrefixesInsideOnly() {
        Cidr pool = Cidr.parse("10.65.0.0/16");
        assertTrue(pool.covers(Cidr.parse("10.65.0.0/16")));
        assertTrue(pool.covers(Cidr.parse("10.65.3.0/26")));
        assertTrue(pool.covers(Cidr.parse("10.65.3.7/32")));
        assertFalse(pool.covers(Cidr.parse("10.0.0.0/8")), "a wider network overlaps but is not inside");
        assertFalse(pool.covers(Cidr.parse("10.66.0.0/26")));
        assertFalse(Cidr.parse("::/0").covers(Cidr.parse("10.65.3.0/26")), "another family");
    }

    @Test
    void neverResolvesNames() {
        // A name that looks hexadecimal must still not be taken for an address.
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("cafe"));
    }

    @Test
    void printsIpv6AsRfc5952() {
        assertEquals("::", IpAddress.parse("0:0:0:0:0:0:0:0").toString());
        assertEquals("::1", IpAddress.parse("0:0:0:0:0:0:0:1").toString());
        assertEquals("2001:db8::1", IpAddress.parse("2001:DB8:0:0:0:0:0:1").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.parse("2001:db8:0:1:1:1:1:1").toString(), "a single zero group is not compressed");
        assertEquals("2001:0:0:1::1", IpAddress.parse("2001:0:0:1:0:0:0:1").toString(), "the longest run is compressed");
        assertEquals("1::1:0:0:1:1", IpAddress.parse("1:0:0:1:0:0:1:1").toString(), "on a tie the first run is compressed");
    }

    @Test
    void overlapAndContainment() {
        Cidr big = Cidr.parse("10.0.0.0/8");
        assertTrue(big.overlaps(Cidr.parse("10.1.0.0/16")));
        assertTrue(Cidr.parse("10.1.0.0/16").overlaps(big));
        assertFalse(big.overlaps(Cidr.parse("11.0.0.0/8")));
        assertFalse(big.overlaps(Cidr.parse("fd00::/8")));
        assertTrue(big.contains(IpAddress.parse("10.255.0.1")));
        assertFalse(big.contains(IpAddress.parse("::1")));
        assertEquals("10.0.0.5/32", Cidr.parseCidrOrIp("10.0.0.5").toString());
        assertEquals("fd00::5/128", Cidr.parseCidrOrIp("fd00::5").toString());
    }
}
