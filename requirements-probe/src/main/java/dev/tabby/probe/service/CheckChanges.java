package dev.tabby.probe.service;

import dev.tabby.events.EventSink;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Report;
import dev.tabby.probe.Status;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A check whose status changed between two periodic runs, as the event {@code check.changed} about the check's id
 * (issue 15): from, to, and what the check observed with its remedy. The first run has nothing to compare with: it
 * reports only the checks that do not pass ({@code from} "none"), so a host that is fit says nothing at start.
 */
final class CheckChanges {
    static final String NONE = "none";

    private final EventSink sink;
    private Map<String, CheckResult> last;

    CheckChanges(EventSink sink) {
        this.sink = sink;
    }

    synchronized void observe(Report report) {
        Map<String, CheckResult> now = new HashMap<>();
        for (CheckResult c : report.checks()) {
            now.put(c.id(), c);
            CheckResult before = last == null ? null : last.get(c.id());
            boolean changed = before != null ? before.status() != c.status()
                    : last != null || c.status() != Status.PASS; // new since the last run, or not passing at the first
            if (changed) {
                sink.emit("check.changed", c.id(), data(before, c));
            }
        }
        last = now;
    }

    private static Map<String, Object> data(CheckResult before, CheckResult now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("check", now.id());
        d.put("from", before == null ? NONE : words(before));
        d.put("to", words(now));
        d.put("message", now.observed());
        if (!now.required().isEmpty()) {
            d.put("required", now.required());
        }
        if (!now.remedy().isEmpty()) {
            d.put("remedy", now.remedy());
        }
        return d;
    }

    /** The status as the report's JSON spells it ("pass", "warn", "fail", "skip"). */
    private static String words(CheckResult c) {
        return c.status().label();
    }
}
