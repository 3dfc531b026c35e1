package dev.tabby.renderer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlowsBenchArgsTest {
    @Test
    void defaultsAreTheIssuesLoad() {
        FlowsBenchArgs a = FlowsBenchArgs.parse(List.of());
        assertEquals(30, a.seconds());
        assertEquals(10_000, a.rate());
        assertEquals(30_000, a.rateLimit(), "three verdicts' room per connection: nothing of the load is sampled");
        assertEquals(5, a.flushSeconds());
        assertFalse(a.verbose());
    }

    @Test
    void optionsAreRead() {
        FlowsBenchArgs a = FlowsBenchArgs.parse(List.of("--seconds", "10", "--rate", "2000", "--warmup", "0",
                "--flush", "2", "--verbose"));
        assertEquals(10, a.seconds());
        assertEquals(2000, a.rate());
        assertEquals(0, a.warmup());
        assertEquals(6000, a.rateLimit(), "the default limit follows the rate");
        assertEquals(2, a.flushSeconds());
        assertTrue(a.verbose());
    }

    @Test
    void rateLimitIsANumberOrTheRenderersDefault() {
        assertEquals(500, FlowsBenchArgs.parse(List.of("--rate-limit", "500")).rateLimit());
        assertNull(FlowsBenchArgs.parse(List.of("--rate-limit", "default")).rateLimit());
        assertEquals(600_000, FlowsBenchArgs.parse(List.of("--rate", "200000")).rateLimit());
    }

    @Test
    void badValuesSayWhatIsWanted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowsBenchArgs.parse(List.of("--rate", "fast")));
        assertEquals("--rate takes a whole number from 1 to 200000, not \"fast\"", e.getMessage());
        assertEquals("--seconds needs a value", assertThrows(IllegalArgumentException.class,
                () -> FlowsBenchArgs.parse(List.of("--seconds"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlowsBenchArgs.parse(List.of("--seconds", "0")));
        assertThrows(IllegalArgumentException.class, () -> FlowsBenchArgs.parse(List.of("--rate-limit", "0")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FlowsBenchArgs.parse(List.of("--rounds", "3")))
                .getMessage().startsWith("unknown option --rounds; bench flows takes --seconds N"));
    }
}
