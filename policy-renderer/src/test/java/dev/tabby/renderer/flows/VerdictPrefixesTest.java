package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.nflog.NflogPacket;
import dev.tabby.netlink.nflog.NflogView;
import dev.tabby.policy.render.VerdictPrefix;
import org.junit.jupiter.api.Test;

/** The NFLOG reader's caches: decoded prefixes by their bytes, address texts by their value. */
class VerdictPrefixesTest {
    private static NflogView packet(String prefix) {
        return new NflogView().set(new NflogPacket(1, prefix, 6, IpAddress.parse("10.0.0.1"),
                IpAddress.parse("10.0.0.2"), 1, 2, 60, 0, 0));
    }

    @Test
    void aPrefixIsDecodedOnceAndForeignOnesAreNull() {
        VerdictPrefixes cache = new VerdictPrefixes();
        String allow = VerdictPrefix.of(true, 3, "default.web").encode();
        VerdictPrefix first = cache.of(packet(allow));
        assertEquals(VerdictPrefix.of(true, 3, "default.web"), first);
        assertSame(first, cache.of(packet(allow)), "found again, not decoded again");
        assertEquals(VerdictPrefix.of(false, 3, "default.web"), cache.of(packet(VerdictPrefix.of(false, 3,
                "default.web").encode())), "one byte apart is another prefix");
        assertNull(cache.of(packet("ulogd: ")));
        assertNull(cache.of(packet("ulogd: ")), "a foreign prefix stays foreign once cached");
    }

    @Test
    void aFloodOfDistinctPrefixesNeitherGrowsNorConfusesIt() {
        VerdictPrefixes cache = new VerdictPrefixes();
        for (int rule = 0; rule < 10_000; rule++) {
            String p = VerdictPrefix.of(rule % 2 == 0, rule, "default.p" + (rule % 7)).encode();
            assertEquals(VerdictPrefix.decode(p), cache.of(packet(p)), p);
        }
        String again = VerdictPrefix.of(true, 0, "default.p0").encode();
        assertEquals(VerdictPrefix.decode(again), cache.of(packet(again)));
    }

    @Test
    void addressTextsAreTheAddressesOwnAndSurviveCollisions() {
        AddressTexts texts = new AddressTexts();
        for (int i = 0; i < 20_000; i++) { // more addresses than slots: each slot is overwritten many times
            IpAddress a = IpAddress.parse("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
            NflogView v = new NflogView().set(new NflogPacket(1, "", 6, a, a, 0, 0, 0, 0, 0));
            assertEquals(a.toString(), texts.of(v.ipv6(), v.srcHi(), v.srcLo()));
        }
        NflogView v6 = new NflogView().set(new NflogPacket(1, "", 6, IpAddress.parse("fd00::a:1"),
                IpAddress.parse("::a01"), 0, 0, 0, 0, 0));
        assertEquals("fd00::a:1", texts.of(v6.ipv6(), v6.srcHi(), v6.srcLo()));
        assertEquals(IpAddress.parse("::a01").toString(), texts.of(v6.ipv6(), v6.dstHi(), v6.dstLo()),
                "an IPv6 address whose low bits are an IPv4 address's is not that IPv4 address");
        assertEquals("0.0.10.1", texts.of(false, 0, 0x0a01), "and the IPv4 one is its own");
    }
}
