package dev.tabby.cni.plugin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What a failed ADD must take back, in reverse order of doing. Each step is recorded right after what it undoes
 * succeeded, so a failure undoes exactly the work that was done.
 */
final class Undo {
    private static final Logger LOG = Logger.getLogger(Undo.class);

    interface Step {
        void run() throws Exception;
    }

    private record Entry(String done, Step step) {
    }

    private final Deque<Entry> steps = new ArrayDeque<>();

    /** @param done what the step undoes, in past tense for the error message: "released 10.65.0.4/32" */
    void push(String done, Step step) {
        steps.push(new Entry(done, step));
    }

    /** Runs every step, newest first, and says what was undone and what could not be. */
    String runAll() {
        List<String> undone = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        while (!steps.isEmpty()) {
            Entry e = steps.pop();
            try {
                e.step.run();
                undone.add(e.done);
            } catch (Exception ex) {
                LOG.warnf("event=cni_undo_failed step=\"%s\" problem=\"%s\"", e.done, ex.getMessage());
                failed.add(e.done + " FAILED (" + ex.getMessage() + ")");
            }
        }
        if (undone.isEmpty() && failed.isEmpty()) {
            return "nothing had been created";
        }
        StringBuilder sb = new StringBuilder();
        if (!undone.isEmpty()) {
            sb.append("undone: ").append(String.join(", ", undone));
        }
        if (!failed.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "; ").append("could not undo: ").append(String.join(", ", failed))
                    .append(" (a DEL for this container cleans up)");
        }
        return sb.toString();
    }
}
