package dev.tabby.dataplane.loop;

import java.time.Duration;

/**
 * Counters for metrics, as one consistent snapshot.
 *
 * @param applies           apply attempts, failed ones included
 * @param failures          applies that failed (threw, or reported failed objects)
 * @param resyncs           periodic or requested resyncs handed to the drivers
 * @param lastApplyDuration wall time of the most recent apply
 */
public record LoopCounters(long applies, long failures, long resyncs, Duration lastApplyDuration) {
    public static final LoopCounters ZERO = new LoopCounters(0, 0, 0, Duration.ZERO);
}
