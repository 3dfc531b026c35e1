package dev.tabby.ctl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations as Go's time.ParseDuration reads them (Go src/time/format.go and its tests in time_test.go). */
class GoDurationTest {
    @Test
    void readsGoDurations() {
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals(Duration.ofMinutes(10), GoDuration.parse("10m"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
        assertEquals(Duration.ofMillis(300), GoDuration.parse("300ms"));
        assertEquals(Duration.ofNanos(1_500), GoDuration.parse("1.5us"));
        assertEquals(Duration.ofNanos(2_000), GoDuration.parse("2\u00b5s"));
        assertEquals(Duration.ofSeconds(1), GoDuration.parse("1000000000ns"));
        assertEquals(Duration.ofMillis(500), GoDuration.parse(".5s"));
        assertEquals(Duration.ofSeconds(1), GoDuration.parse("1.s"));
        assertEquals(Duration.ofSeconds(-90), GoDuration.parse("-1m30s"));
        assertEquals(Duration.ofSeconds(5), GoDuration.parse("+5s"));
    }

    @Test
    void refusesWhatGoRefuses() {
        assertEquals("unknown unit \"d\" in duration \"1d\" (Go durations: 30s, 10m, 1h30m; units ns, us, ms, s, m, h)",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1d")).getMessage());
        assertEquals("missing unit in duration \"10\" (Go durations: 30s, 10m, 1h30m; units ns, us, ms, s, m, h)",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("10")).getMessage());
        for (String bad : new String[] {"", "-", "m", ".s", "1..5s", "3000000h"}) {
            assertEquals("invalid duration \"" + bad + "\" (Go durations: 30s, 10m, 1h30m; units ns, us, ms, s, m, h)",
                    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad)).getMessage(), bad);
        }
    }
}
