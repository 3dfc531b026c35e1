package dev.tabby.datastore.syncer;

import dev.tabby.datastore.KvEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Everything that reaches the syncer thread goes through one queue as one of these, so the
 * thread sees watch events, watch failures, answers from etcd and commands in the order they
 * happened. {@code generation} ties a signal to the set of watches it came from; signals from
 * watches already replaced are stale and dropped. Only {@link Changes} count against the
 * queue's bound ({@link SignalQueue}); everything else is small, rare and never waits.
 */
sealed interface SyncerSignal {

    record Changes(int generation, String prefix, List<WatchedChange> changes) implements SyncerSignal {
    }

    /**
     * A watch stream is no longer trustworthy: it failed, ended, or ({@code overflowed}) had to drop
     * changes because the consumer was too far behind.
     */
    record WatchEnded(int generation, String prefix, String reason, boolean compacted, boolean overflowed)
            implements SyncerSignal {
    }

    /**
     * One page of a list running on the list thread. The list thread waits for {@code taken} before it offers the
     * page after next, so that at most two pages of raw values wait in the queue however slow the consumer.
     */
    record ListedPage(int attempt, List<KvEntry> entries, CompletableFuture<Void> taken) implements SyncerSignal {
    }

    /** A list finished on the list thread: every page sent, all read at {@code revision}; or {@code failure}. */
    record Listed(int attempt, long revision, RuntimeException failure) implements SyncerSignal {
    }

    /** etcd answered a probe read ({@code failure} null) or the read failed or timed out. */
    record ProbeAnswered(long probe, String failure) implements SyncerSignal {
    }

    /**
     * Commands from other threads: stop, and the test hooks that pause/resume/mute watching.
     * {@code done} completes once the syncer thread has carried the command out.
     */
    record Command(Kind kind, CompletableFuture<Void> done) implements SyncerSignal {

        enum Kind {
            STOP, PAUSE_WATCHES, RESUME_WATCHES, MUTE_WATCHES
        }

        static Command of(Kind kind) {
            return new Command(kind, new CompletableFuture<>());
        }
    }
}
