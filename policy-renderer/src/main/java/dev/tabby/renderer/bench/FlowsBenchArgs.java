package dev.tabby.renderer.bench;

import java.util.List;

/**
 * {@code bin/tabby bench flows}'s options. {@code --rate} short TCP connections per second for {@code --seconds} in
 * each measured round; {@code --warmup} seconds of the same load before each (untimed: the renderer's JIT and the
 * generator's settle); {@code --rate-limit} the flow-log rate limit the bench writes (verdicts per second; default
 * three times the rate, so every verdict of the load is within it and anything missing is a loss, not sampling;
 * {@code default} leaves the annotation out and the renderer's own default applies); {@code --flush} the flow-log
 * flush interval in seconds (short, so the records of a round arrive soon after it); {@code --verbose} keeps the
 * bench's INFO logging.
 */
record FlowsBenchArgs(int seconds, int rate, int warmup, Integer rateLimit, int flushSeconds, boolean verbose) {
    static final int MAX_RATE_LIMIT = 1_000_000;

    static FlowsBenchArgs parse(List<String> args) {
        int seconds = 30;
        int rate = 10_000;
        int warmup = 5;
        String rateLimit = null;
        int flush = 5;
        boolean verbose = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--verbose" -> verbose = true;
                case "--seconds" -> seconds = number(a, value(args, ++i, a), 1, 3600);
                case "--rate" -> rate = number(a, value(args, ++i, a), 1, 200_000);
                case "--warmup" -> warmup = number(a, value(args, ++i, a), 0, 600);
                case "--flush" -> flush = number(a, value(args, ++i, a), 1, 600);
                case "--rate-limit" -> rateLimit = value(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option " + a + "; bench flows takes --seconds N, "
                        + "--rate N, --warmup N, --rate-limit N|default, --flush N, --verbose");
            }
        }
        Integer limit;
        if (rateLimit == null) {
            limit = (int) Math.min(MAX_RATE_LIMIT, 3L * rate);
        } else if (rateLimit.equals("default")) {
            limit = null;
        } else {
            limit = number("--rate-limit", rateLimit, 1, MAX_RATE_LIMIT);
        }
        return new FlowsBenchArgs(seconds, rate, warmup, limit, flush, verbose);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int number(String option, String text, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException(option + " takes a whole number from " + min + " to " + max + ", not \""
                + text + "\"");
    }
}
