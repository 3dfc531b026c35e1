package dev.tabby.ctl.commands;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events that came in but could not be read: skipped and counted, one line on standard error for each kind of
 * problem (the first of its kind, with where it came from), and a total at the end when more were skipped than shown.
 */
final class BadEvents {
    /** More kinds than this and the rest are only counted: a broken source must not flood the terminal. */
    private static final int MAX_KINDS = 20;

    private final PrintWriter err;
    private final Map<String, Integer> kinds = new LinkedHashMap<>();
    private long skipped;

    BadEvents(PrintWriter err) {
        this.err = err;
    }

    void skip(String from, String problem) {
        skipped++;
        if (kinds.containsKey(problem)) {
            kinds.merge(problem, 1, Integer::sum);
            return;
        }
        if (kinds.size() < MAX_KINDS) {
            kinds.put(problem, 1);
            err.println("tabbyctl: skipped an event from " + from + " that could not be read: " + problem);
            err.flush();
        }
    }

    long skipped() {
        return skipped;
    }

    /** The total, when some skipped events were not shown above. */
    void summarize() {
        if (skipped > kinds.size()) {
            err.println("tabbyctl: skipped " + skipped + " events in all that could not be read");
            err.flush();
        }
    }
}
