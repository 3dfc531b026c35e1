package dev.tabby.bgp.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TinySelectorTest {
    private static final Map<String, String> LABELS = Map.of("rack", "r1", "edge", "");

    @Test
    void understandsAllHasAndEquals() {
        assertTrue(TinySelector.matches("all()", Map.of()));
        assertTrue(TinySelector.matches("has(edge)", LABELS));
        assertFalse(TinySelector.matches("has(rr)", LABELS));
        assertTrue(TinySelector.matches("rack == 'r1'", LABELS));
        assertTrue(TinySelector.matches("rack == \"r1\"", LABELS));
        assertFalse(TinySelector.matches("rack == 'r2'", LABELS));
    }

    @Test
    void rejectsWhatItDoesNotUnderstandInsteadOfGuessing() {
        assertThrows(IllegalArgumentException.class, () -> TinySelector.matches("rack != 'r1'", LABELS));
        assertThrows(IllegalArgumentException.class, () -> TinySelector.matches("has(a) && has(b)", LABELS));
    }

    @Test
    void splitsPeerIpLikeGoSplitHostPort() {
        assertArrayEquals(new String[] {"192.0.2.1", "1790"}, CalicoPeerings.splitHostPort("192.0.2.1:1790"));
        assertArrayEquals(new String[] {"192.0.2.1", "0"}, CalicoPeerings.splitHostPort("192.0.2.1"));
        assertArrayEquals(new String[] {"fd00::1", "179"}, CalicoPeerings.splitHostPort("[fd00::1]:179"));
        assertArrayEquals(new String[] {"fd00::1", "0"}, CalicoPeerings.splitHostPort("fd00::1"));
    }
}
