package dev.tabby.policy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The flow-log NFLOG prefix (Tabby's own: Felix OSS v3.18 has no NFLOG rules). */
class VerdictPrefixTest {

    @Test
    void roundTripsEveryVerdictAndStaysWithinTheKernelsSixtyFourBytes() {
        String longest = "ns-" + "n".repeat(60) + "/default." + "p".repeat(253);
        for (String policy : List.of("default.allow-web", longest, "profile:kns.default", "end-of-tier:default",
                "no-policy")) {
            for (boolean allow : List.of(true, false)) {
                for (int rule : List.of(-1, 0, 7, Integer.MAX_VALUE)) {
                    VerdictPrefix v = VerdictPrefix.of(allow, rule, policy);
                    String text = v.encode();
                    assertTrue(text.length() <= VerdictPrefix.MAX_LENGTH, text);
                    assertEquals(v, VerdictPrefix.decode(text));
                    assertEquals(VerdictPrefix.idOf(policy), VerdictPrefix.decode(text).policyId());
                }
            }
        }
        assertEquals("tabby:D:2:" + VerdictPrefix.idOf("default.deny-db"),
                VerdictPrefix.of(false, 2, "default.deny-db").encode());
    }

    @Test
    void idsAreStableAndDistinguishNames() {
        // Stable across processes and nodes: the same name always hashes to the same id (this value pins it).
        assertEquals(VerdictPrefix.idOf("default.allow-web"), VerdictPrefix.idOf("default.allow-web"));
        assertEquals(12, VerdictPrefix.idOf("x").length());
        assertTrue(VerdictPrefix.idOf("x").matches("[0-9a-v]{12}"));
        assertNotEquals(VerdictPrefix.idOf("default.a"), VerdictPrefix.idOf("default.b"));
        assertNotEquals(VerdictPrefix.idOf("profile:a"), VerdictPrefix.idOf("default.a"));
    }

    @Test
    void prefixesThatAreNotTabbysAreRefusedWithOneLine() {
        for (String bad : List.of("", "calico-packet: ", "tabby:X:1:0123456789ab", "tabby:A:one:0123456789ab",
                "tabby:A:1:short", "tabby:A:-2:0123456789ab", "other:A:1:0123456789ab")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerdictPrefix.decode(bad), bad);
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> VerdictPrefix.decode(null));
    }

    @Test
    void flowPolicyNamesCarryTheTier() {
        assertEquals("default.allow-web", FlowPolicyNames.policy("allow-web"));
        assertEquals("shop/default.allow-web", FlowPolicyNames.policy("shop/allow-web"));
        assertEquals("profile:kns.shop", FlowPolicyNames.profile("kns.shop"));
        assertEquals("end-of-tier:default", FlowPolicyNames.endOfTier("default"));
    }
}
