package dev.tabby.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IPv4 parsing as Go's net.ParseIP (the one-pass parser of issue 16), and hashing: aligned addresses (IPAM block
 * starts, tunnel addresses) must spread over a HashMap's buckets, which HashMap picks by the low bits of
 * {@code h ^ h >>> 16}; without mixing every /26 start fell in 1 bucket of 64 (issue 16).
 */
class IpAddressTest {

    /** The bucket HashMap would pick in a table of {@code size} (a power of two) for this hash. */
    private static int bucket(int hash, int size) {
        return (hash ^ hash >>> 16) & (size - 1);
    }

    private static int bucketsUsed(int count, int step, ToIntFunction<Integer> hashOfIndex) {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < count; i++) {
            used.add(bucket(hashOfIndex.applyAsInt(i * step), 2048));
        }
        return used.size();
    }

    private static IpAddress v4(long value) {
        return IpAddress.of(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    @Test
    void blockStartsOfAPoolSpreadOverTheTable() {
        long pool = (10L << 24) | (64L << 16);
        // 1,000 /26 starts in 10.64.0.0/14: a table of 2,048 should see most of them in a bucket of their own.
        int addresses = bucketsUsed(1000, 64, i -> v4(pool + i).hashCode());
        int cidrs = bucketsUsed(1000, 64, i -> new Cidr(v4(pool + i), 26).hashCode());
        assertTrue(addresses > 700, "1,000 /26 starts used only " + addresses + " of 2,048 buckets");
        assertTrue(cidrs > 700, "1,000 /26 blocks used only " + cidrs + " of 2,048 buckets");
    }

    @Test
    void ipv6PrefixesSpreadToo() {
        int used = bucketsUsed(1000, 1, i -> {
            byte[] b = new byte[16];
            b[0] = (byte) 0xfd;
            b[6] = (byte) (i >>> 8);
            b[7] = i.byteValue(); // one /64 each, the rest zero
            return IpAddress.of(b).hashCode();
        });
        assertTrue(used > 700, "1,000 /64 starts used only " + used + " of 2,048 buckets");
    }

    @Test
    void parsesDottedQuads() {
        assertArrayEquals(new byte[] {10, 64, (byte) 255, 0}, IpAddress.parse("10.64.255.0").bytes());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, IpAddress.parse("0.0.0.0").bytes());
        assertEquals("192.168.1.100", IpAddress.parse("192.168.1.100").toString());
    }

    /** What Go's net.ParseIP refuses: leading zeros, out of range, missing or extra parts, non-ASCII digits. */
    @ParameterizedTest
    @ValueSource(strings = {"010.0.0.1", "10.00.0.1", "10.0.0.256", "10.0.0.1000", "10.0.0", "10.0.0.1.", ".10.0.0.1",
            "10..0.1", "10.0.0.1.5", "10.0.0.a", "10.0.0.-1", "10.0.0.+1", "10.0.0.\u0661", " 10.0.0.1", "10.0.0.1/32"})
    void refusesWhatGoRefuses(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text), text);
    }

    /**
     * IPv6 text is checked char by char before InetAddress sees it: a zone, a name, a space or a slash is refused
     * with the text in the message, and no name is resolved.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%eth0", "fd00::g", "fd00:: 1", "fd00::/64", "host:80", "[fd00::1]"})
    void refusesIpv6TextWithOtherCharacters(String text) {
        assertEquals("\"" + text + "\" is not an IP address",
                assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text)).getMessage());
    }

    @Test
    void readsIpv6WithHexDigitsColonsAndDots() {
        assertEquals("fd00::a:b", IpAddress.parse("FD00::A:B").toString());
        assertEquals("::ffff:a00:1", IpAddress.parse("::ffff:10.0.0.1").toString());
    }
}
