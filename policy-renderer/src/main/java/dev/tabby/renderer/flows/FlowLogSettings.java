package dev.tabby.renderer.flows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The flow-log switch and its settings, read from annotations on FelixConfiguration {@code default} (annotations, so
 * manifests stay valid for Calico v3.18, which has no such fields):
 * <ul>
 * <li>{@value #SWITCH}: {@code "on"} or {@code "off"} (default off);</li>
 * <li>{@value #FLUSH_INTERVAL}: how long each flow record covers, a Go duration as FelixConfiguration writes them
 * (default 15s, at least 1s);</li>
 * <li>{@value #RATE_LIMIT}: connections logged per second on this node (both verdicts of a connection, egress and
 * ingress, are kept or dropped together), beyond which they are dropped and counted and the records say so in
 * {@code sampling}, the share of connections kept (default 1000: a busy node's new connections are mostly from a few
 * peers, so 1000 connections a second still show who talks to whom, and keep the reader's CPU low).</li>
 * </ul>
 * A bad value keeps the previous good one (the default at first) and yields a one-line problem naming the annotation.
 */
public record FlowLogSettings(boolean on, Duration flushInterval, int rateLimit) {
    public static final String SWITCH = "tabby.dev/flow-logs";
    public static final String FLUSH_INTERVAL = "tabby.dev/flow-logs-flush-interval";
    public static final String RATE_LIMIT = "tabby.dev/flow-logs-rate-limit";
    public static final FlowLogSettings DEFAULTS = new FlowLogSettings(false, Duration.ofSeconds(15), 1000);
    private static final int MAX_RATE_LIMIT = 1_000_000;

    /**
     * @param annotations      FelixConfiguration {@code default}'s annotations (null or empty: every default)
     * @param previous         the settings in force, whose value stays for an annotation that is refused
     * @param durationParser   FelixConfiguration's Go-duration reader: (text, fallback, field, problems) -> duration
     * @param problems         where a refused annotation is reported, one line each
     */
    public static FlowLogSettings of(Map<String, String> annotations, FlowLogSettings previous,
                                     DurationParser durationParser, List<String> problems) {
        Map<String, String> a = annotations == null ? Map.of() : annotations;
        boolean on = DEFAULTS.on();
        String sw = a.get(SWITCH);
        if (sw != null) {
            switch (sw.strip()) {
                case "on" -> on = true;
                case "off" -> on = false;
                default -> {
                    problems.add("annotation " + SWITCH + ": \"" + sw + "\" is not on or off; keeping "
                            + (previous.on() ? "on" : "off"));
                    on = previous.on();
                }
            }
        }
        Duration interval = DEFAULTS.flushInterval();
        String iv = a.get(FLUSH_INTERVAL);
        if (iv != null) {
            List<String> mine = new java.util.ArrayList<>();
            Duration d = durationParser.parse(iv, previous.flushInterval(), FLUSH_INTERVAL, mine);
            if (!mine.isEmpty()) {
                problems.add("annotation " + FLUSH_INTERVAL + ": \"" + iv + "\" is not a duration like 15s or 1m; keeping "
                        + previous.flushInterval().toSeconds() + "s");
                interval = previous.flushInterval();
            } else if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add("annotation " + FLUSH_INTERVAL + ": " + iv + " is shorter than 1s; keeping "
                        + previous.flushInterval().toSeconds() + "s");
                interval = previous.flushInterval();
            } else {
                interval = d;
            }
        }
        int limit = DEFAULTS.rateLimit();
        String rl = a.get(RATE_LIMIT);
        if (rl != null) {
            limit = number(rl.strip(), n -> n >= 1 && n <= MAX_RATE_LIMIT ? n : null);
            if (limit < 0) {
                problems.add("annotation " + RATE_LIMIT + ": \"" + rl + "\" is not a whole number of connections per second"
                        + " from 1 to " + MAX_RATE_LIMIT + "; keeping " + previous.rateLimit());
                limit = previous.rateLimit();
            }
        }
        return new FlowLogSettings(on, interval, limit);
    }

    private static int number(String s, Function<Integer, Integer> check) {
        try {
            Integer ok = check.apply(Integer.parseInt(s));
            return ok == null ? -1 : ok;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** FelixConfiguration's Go-duration reader, so the annotation reads as the spec's durations do. */
    @FunctionalInterface
    public interface DurationParser {
        Duration parse(String text, Duration fallback, String field, List<String> problems);
    }
}
