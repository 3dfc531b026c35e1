package dev.tabby.dataplane.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopCoreTest {
    private final FakeTicker clock = new FakeTicker();
    private final List<Duration> appliedAt = new ArrayList<>();
    private int resyncCalls;
    private ApplyResult nextResult = ApplyResult.NOTHING;
    private RuntimeException nextThrow;
    private Duration applyTakes = Duration.ZERO;

    private LoopCore core(LoopSettings settings) {
        return new LoopCore(settings, clock, () -> {
            appliedAt.add(clock.elapsed());
            clock.advance(applyTakes);
            if (nextThrow != null) {
                throw nextThrow;
            }
            return nextResult;
        }, () -> resyncCalls++);
    }

    private LoopCore core() {
        return core(LoopSettings.defaults("test")
                .withBackoff(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))));
    }

    private static ApplyResult oneFailure() {
        return ApplyResult.failed("routes table 254 proto 81", "10.65.0.0/26 dev #9", "ENODEV (No such device)");
    }

    @Test
    void nothingIsAppliedBeforeTheDatastoreIsInSync() {
        LoopCore core = core();
        core.markDirty();
        core.requestResync();
        assertEquals(LoopCore.NO_DEADLINE, core.runDue());
        clock.advance(Duration.ofHours(1));
        assertEquals(LoopCore.NO_DEADLINE, core.runDue());
        assertTrue(appliedAt.isEmpty());
        assertFalse(core.status().ready());
        assertEquals("waiting for the datastore to be in sync; no kernel writes yet", core.status().reason());
    }

    @Test
    void inSyncTriggersTheFirstApplyEvenWithoutAMark() {
        LoopCore core = core();
        core.markInSync();
        assertEquals("in sync; waiting for the first apply", core.status().reason());
        core.runDue();
        assertEquals(1, appliedAt.size());
        assertTrue(core.status().ready());
        assertEquals("ready", core.status().reason());
    }

    @Test
    void manyMarksBetweenTurnsMakeOneApply() {
        LoopCore core = core();
        core.markInSync();
        core.runDue();
        for (int i = 0; i < 1000; i++) {
            core.markDirty();
        }
        core.runDue();
        core.runDue();
        assertEquals(2, appliedAt.size());
        assertEquals(2, core.counters().applies());
    }

    @Test
    void failuresAreRetriedWithDoublingBackoffUpToTheCap() {
        LoopCore core = core();
        nextResult = oneFailure();
        core.markInSync();
        // Step the fake clock to each deadline the core asks for.
        for (int i = 0; i < 7; i++) {
            long deadline = core.runDue();
            clock.advance(Duration.ofNanos(deadline - clock.nanoTime()));
        }
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < appliedAt.size(); i++) {
            gaps.add(appliedAt.get(i).minus(appliedAt.get(i - 1)));
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 8L, 8L), gaps.stream().map(Duration::toSeconds).toList());
        assertEquals(7, core.counters().failures());
        assertEquals(7, core.status().consecutiveFailures());
    }

    @Test
    void marksDuringBackoffWaitForIt() {
        LoopCore core = core();
        nextResult = oneFailure();
        core.markInSync();
        core.runDue();
        assertEquals(1, appliedAt.size());

        clock.advance(Duration.ofMillis(500));
        core.markDirty();
        core.runDue();
        assertEquals(1, appliedAt.size(), "backoff of 1s has not passed");

        clock.advance(Duration.ofMillis(500));
        core.runDue();
        assertEquals(2, appliedAt.size());
    }

    @Test
    void readinessFollowsTheLastApply() {
        LoopCore core = core();
        core.markInSync();
        nextResult = oneFailure();
        core.runDue();
        LoopStatus failed = core.status();
        assertFalse(failed.ready());
        assertFalse(failed.lastApplySucceeded());
        assertTrue(failed.lastError().contains("10.65.0.0/26 dev #9: ENODEV (No such device)"), failed.lastError());
        assertTrue(failed.reason().startsWith("last apply failed (1 in a row), retrying with backoff: "),
                failed.reason());

        nextResult = ApplyResult.NOTHING;
        clock.advance(Duration.ofSeconds(1));
        core.runDue();
        LoopStatus recovered = core.status();
        assertTrue(recovered.ready());
        assertNull(recovered.lastError());
        assertEquals(0, recovered.consecutiveFailures());
    }

    @Test
    void successResetsTheBackoff() {
        LoopCore core = core();
        core.markInSync();
        nextResult = oneFailure();
        core.runDue();
        clock.advance(Duration.ofSeconds(1));
        core.runDue();
        clock.advance(Duration.ofSeconds(2));
        nextResult = ApplyResult.NOTHING;
        core.runDue();
        assertEquals(3, appliedAt.size());

        nextResult = oneFailure();
        core.markDirty();
        core.runDue();
        long retry = core.runDue();
        assertEquals(Duration.ofSeconds(1), Duration.ofNanos(retry - clock.nanoTime()));
    }

    @Test
    void anApplyThatThrowsCountsAsAFailureWithItsText() {
        LoopCore core = core();
        core.markInSync();
        nextThrow = new IllegalStateException("manager bug");
        core.runDue();
        assertFalse(core.status().ready());
        assertTrue(core.status().lastError().contains("manager bug"), core.status().lastError());
        assertEquals(1, core.counters().failures());
    }

    @Test
    void periodicResyncTellsTheDriversAndApplies() {
        LoopCore core = core();
        core.markInSync();
        long next = core.runDue();
        assertEquals(LoopSettings.DEFAULT_RESYNC_INTERVAL, Duration.ofNanos(next - clock.nanoTime()));
        assertEquals(0, resyncCalls);

        clock.advance(Duration.ofSeconds(89));
        core.runDue();
        assertEquals(0, resyncCalls);
        assertEquals(1, appliedAt.size());

        clock.advance(Duration.ofSeconds(1));
        next = core.runDue();
        assertEquals(1, resyncCalls);
        assertEquals(2, appliedAt.size());
        assertEquals(1, core.counters().resyncs());
        assertEquals(Duration.ofSeconds(90), Duration.ofNanos(next - clock.nanoTime()));
    }

    @Test
    void aRequestedResyncRunsOnTheNextTurn() {
        LoopCore core = core();
        core.markInSync();
        core.runDue();
        core.requestResync();
        core.runDue();
        assertEquals(1, resyncCalls);
        assertEquals(2, appliedAt.size());
    }

    @Test
    void withResyncOffAnIdleLoopHasNoDeadline() {
        LoopCore core = core(LoopSettings.defaults("test").withResyncInterval(Duration.ZERO));
        core.markInSync();
        assertEquals(LoopCore.NO_DEADLINE, core.runDue());
        clock.advance(Duration.ofDays(1));
        core.runDue();
        assertEquals(0, resyncCalls);
    }

    @Test
    void countersRecordTheApplyDuration() {
        LoopCore core = core();
        applyTakes = Duration.ofMillis(42);
        core.markInSync();
        core.runDue();
        assertEquals(Duration.ofMillis(42), core.counters().lastApplyDuration());
    }

    @Test
    void backoffDelaysAreCapped() {
        Backoff b = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
        assertEquals(Duration.ZERO, b.delayAfter(0));
        assertEquals(Duration.ofMillis(250), b.delayAfter(1));
        assertEquals(Duration.ofMillis(500), b.delayAfter(2));
        assertEquals(Duration.ofSeconds(16), b.delayAfter(7));
        assertEquals(Duration.ofSeconds(30), b.delayAfter(8));
        assertEquals(Duration.ofSeconds(30), b.delayAfter(Integer.MAX_VALUE));
    }
}
