package dev.tabby.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LastApplyTest {
    @Test
    void beforeTheFirstApplyItIsStartingAndNotProgrammed() {
        LastApply<String, String> none = LastApply.none("starting");

        assertEquals("starting", none.status());
        assertFalse(none.programmed(plan -> true), "no plan was applied yet");
    }

    @Test
    void programmedOnlyWhenTheApplyWroteEverythingAndThePlanIsSettled() {
        assertTrue(LastApply.of("active", true, p -> p).programmed(p -> true));
        assertFalse(LastApply.of("active", false, p -> p).programmed(p -> true), "the apply failed part of its writes");
        assertFalse(LastApply.of("waiting", true, p -> p).programmed(p -> false), "the plan is not settled");
    }

    @Test
    void theStatusIsMadeOnlyWhenAskedAndOncePerPlan() {
        AtomicInteger made = new AtomicInteger();
        LastApply<String, String> last = LastApply.of("plan", true, p -> {
            made.incrementAndGet();
            return "status of " + p;
        });
        assertEquals(0, made.get(), "an apply must not pay for status strings nobody asked for");

        String first = last.status();
        assertSame(first, last.status());
        assertEquals("status of plan", first);
        assertEquals(1, made.get());
    }
}
