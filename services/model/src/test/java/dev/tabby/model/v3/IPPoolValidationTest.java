package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import org.junit.jupiter.api.Test;

/**
 * What Calico v3.18 accepts in an IPPool, Tabby accepts (libcalico-go lib/validator/v3/validator.go
 * validateIPPoolSpec refuses only the link-local ranges, and checks a pool's size against its blocks only while the
 * pool is enabled); what it refuses, Tabby refuses.
 */
class IPPoolValidationTest {
    private static IPPool read(String cidr, String extra) {
        return (IPPool) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: "%s"%s}
                """.formatted(cidr, extra)).resources().get(0);
    }

    @Test
    void loopbackAndMulticastRangesAreAcceptedAsCalicoAcceptsThem() {
        assertEquals("127.0.0.0/16", read("127.0.0.0/16", "").spec().cidr());
        assertEquals("224.0.0.0/16", read("224.0.0.0/16", "").spec().cidr());
        assertEquals("ff00::/112", read("ff00::/112", "").spec().cidr());
    }

    @Test
    void linkLocalRangesAreRefusedWithCalicosReason() {
        ManifestException e = assertThrows(ManifestException.class, () -> read("fe80::/112", ""));
        assertTrue(e.getMessage().contains("IPPool CIDR overlaps with IPv6 Link Local range fe80::/10"), e.getMessage());
        e = assertThrows(ManifestException.class, () -> read("169.254.0.0/24", ""));
        assertTrue(e.getMessage().contains("IPPool CIDR overlaps with IPv4 Link Local range 169.254.0.0/16"), e.getMessage());
    }

    @Test
    void aDisabledPoolSmallerThanItsBlocksIsAccepted() {
        IPPool p = read("10.0.0.0/28", ", blockSize: 26, disabled: true");
        assertEquals(26, p.spec().blockSize());
        assertThrows(ManifestException.class, () -> read("10.0.0.0/28", ", blockSize: 26"), "enabled, it is refused");
    }
}
