package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rate limit's token bucket, on a clock the test moves. */
class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private static int passed(RateLimiter l, int tries, long at) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (l.tryAcquire(at)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aBurstPassesUpToOneSecondsWorthThenTheRestIsDroppedAndCounted() {
        RateLimiter l = new RateLimiter(100);
        assertEquals(100, passed(l, 250, 0));
        assertEquals(150, l.dropped());
        assertFalse(l.tryAcquire(0));
        // Half a second refills half the bucket.
        assertEquals(50, passed(l, 80, SECOND / 2));
        // A long quiet time refills no more than a second's worth.
        assertEquals(100, passed(l, 300, 60 * SECOND));
    }

    @Test
    void aSustainedFloodIsCutToTheRate() {
        RateLimiter l = new RateLimiter(1000);
        long passed = 0;
        // 10,000 verdicts a second for 10 s, one every 100 us.
        for (long t = 0; t < 10 * SECOND; t += 100_000) {
            if (l.tryAcquire(t)) {
                passed++;
            }
        }
        assertTrue(passed >= 10_000 && passed <= 11_000, "about a second's burst plus 1000 a second: " + passed);
        assertEquals(100_000 - passed, l.dropped());
    }

    @Test
    void aNewRateAppliesAndNonsenseIsRefused() {
        RateLimiter l = new RateLimiter(1000);
        l.setRate(10);
        assertEquals(10, passed(l, 100, 0), "the bucket never holds more than a second of the new rate");
        assertThrows(IllegalArgumentException.class, () -> l.setRate(0));
    }
}
