package dev.tabby.renderer.bench;

import dev.tabby.dataplane.iptables.CommandRunner;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link CommandRunner} that records, per tool ({@code ipset restore}, {@code iptables-legacy-restore}, ...), how
 * many times it ran, its wall time and the bytes it was fed: what of an apply is spent in the kernel tools rather than
 * in Tabby's own calculation. Used by one thread at a time.
 */
final class TimedRunner implements CommandRunner {
    /** Totals for one tool. */
    static final class Tally {
        int calls;
        long nanos;
        long inputBytes;
    }

    private final CommandRunner inner;
    private final Map<String, Tally> tallies = new TreeMap<>();

    TimedRunner(CommandRunner inner) {
        this.inner = inner;
    }

    @Override
    public Result run(List<String> argv, String stdin) {
        long t0 = System.nanoTime();
        try {
            return inner.run(argv, stdin);
        } finally {
            String tool = argv.get(0).equals("ipset") ? "ipset " + argv.get(1) : argv.get(0);
            Tally t = tallies.computeIfAbsent(tool, k -> new Tally());
            t.calls++;
            t.nanos += System.nanoTime() - t0;
            t.inputBytes += stdin.length();
        }
    }

    long totalNanos() {
        return tallies.values().stream().mapToLong(t -> t.nanos).sum();
    }

    void reset() {
        tallies.clear();
    }

    /** One line per tool: {@code ipset restore calls=1 ms=812.3 input_kb=2450}. */
    String summary() {
        StringBuilder b = new StringBuilder();
        tallies.forEach((tool, t) -> b.append(String.format(java.util.Locale.ROOT, "  %s calls=%d ms=%.1f input_kb=%d%n",
                tool, t.calls, t.nanos / 1e6, t.inputBytes / 1024)));
        return b.toString();
    }
}
