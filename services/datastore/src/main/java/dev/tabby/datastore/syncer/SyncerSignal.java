package dev.tabby.datastore.syncer;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Everything that reaches the syncer thread goes through one queue as one of these, so the
 * thread sees watch events, watch failures and commands in the order they happened.
 * {@code generation} ties a signal to the set of watches it came from; signals from watches
 * already replaced are stale and dropped.
 */
sealed interface SyncerSignal {

    record Changes(int generation, String prefix, List<WatchedChange> changes) implements SyncerSignal {
    }

    record WatchEnded(int generation, String prefix, String reason, boolean compacted) implements SyncerSignal {
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
