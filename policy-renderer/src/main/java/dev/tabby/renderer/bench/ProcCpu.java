package dev.tabby.renderer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a process and of its threads, from {@code /proc/<pid>/stat} and {@code /proc/<pid>/task/<tid>/stat}
 * (proc(5): utime and stime, fields 14 and 15, in clock ticks). The process's figure counts every thread it ever had,
 * those that ended included (GC, JIT, the flow readers), but not its children (iptables-restore and the like), which
 * the bench keeps outside the measured windows.
 */
final class ProcCpu {
    private ProcCpu() {
    }

    /** utime + stime of one stat line. The command name may hold spaces and parentheses: fields count from the last ')'. */
    static long ticks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc stat line: " + statLine);
        }
        String[] f = statLine.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state), so field n is f[n - 3].
        if (f.length < 13) {
            throw new IllegalArgumentException("a /proc stat line with too few fields: " + statLine);
        }
        return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    }

    /** The thread's name as the stat line has it, between the first '(' and the last ')'. */
    static String name(String statLine) {
        return statLine.substring(statLine.indexOf('(') + 1, statLine.lastIndexOf(')'));
    }

    /** The process's CPU ticks so far; fails with the pid when the process is gone. */
    static long process(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone (cannot read /proc/" + pid + "/stat)", e);
        }
    }

    /** Ticks per thread name (threads of one name summed: a pool's workers share one), of the threads alive now. */
    static Map<String, Long> threads(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String line = Files.readString(t.resolve("stat"));
                    out.merge(name(line).replaceAll("-?\\d+$", ""), ticks(line), Long::sum);
                } catch (IOException e) {
                    // the thread ended between the listing and the read: its time is in the process's figure
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone (cannot list /proc/" + pid + "/task)", e);
        }
        return out;
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}); 100, Linux's USER_HZ everywhere, if getconf is missing. */
    static int hertz() {
        try {
            return Integer.parseInt(Commands.run("getconf", "CLK_TCK").strip());
        } catch (RuntimeException e) {
            return 100;
        }
    }

    /** Share of one core used: ticks over the wall time, in percent. */
    static double percentOfCore(long ticks, int hertz, double wallSeconds) {
        return wallSeconds <= 0 ? 0 : 100.0 * ticks / hertz / wallSeconds;
    }

    /** What flow logs add, in percent of one core: the on round's share minus the off round's. */
    static double overheadPercent(double onPercent, double offPercent) {
        return onPercent - offPercent;
    }

    /** Renderer CPU on over off; with an idle floor of zero ticks there is no ratio (infinite), reported as such. */
    static double ratio(double onPercent, double offPercent) {
        return offPercent <= 0 ? Double.POSITIVE_INFINITY : onPercent / offPercent;
    }

    /** The {@code n} threads whose ticks grew most from {@code before} to {@code after}, as "name=ticks". */
    static List<String> busiest(Map<String, Long> before, Map<String, Long> after, int n) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** Busy share of the whole machine between two {@code /proc/stat} "cpu" lines, in percent of all cores. */
    static double machineBusy(String cpuLineBefore, String cpuLineAfter) {
        long[] a = jiffies(cpuLineBefore);
        long[] b = jiffies(cpuLineAfter);
        long total = 0;
        long idle = 0;
        for (int i = 0; i < a.length; i++) {
            long d = b[i] - a[i];
            total += d;
            if (i == 3 || i == 4) { // idle and iowait
                idle += d;
            }
        }
        return total <= 0 ? 0 : 100.0 * (total - idle) / total;
    }

    /** The machine's "cpu" line of /proc/stat now. */
    static String machineLine() {
        try {
            return Files.readAllLines(Path.of("/proc/stat")).get(0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: " + e.getMessage(), e);
        }
    }

    private static long[] jiffies(String line) {
        String[] f = line.trim().split(" +");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + line);
        }
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        long[] out = new long[Math.min(8, f.length - 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Long.parseLong(f[i + 1]);
        }
        return out;
    }
}
