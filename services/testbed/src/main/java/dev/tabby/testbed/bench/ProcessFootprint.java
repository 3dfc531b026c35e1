package dev.tabby.testbed.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one JVM process costs, read from outside it: the kernel's view (/proc/PID/smaps_rollup, smaps by mapping,
 * status) and the JVM's own (jcmd GC.heap_info, Compiler.codecache: both work without NativeMemoryTracking, which a
 * service is not started with). All sizes in kB.
 */
record ProcessFootprint(long pid, long rssKb, long pssKb, long pssAnonKb, long pssFileKb, int threads,
        long heapUsedKb, long heapCommittedKb, long metaspaceUsedKb, long metaspaceCommittedKb, long codeCacheUsedKb,
        Map<String, Long> pssByKind, List<String> archives) {

    /** Kinds of mapping, in the order the breakdown prints them. */
    static final List<String> KINDS = List.of("java-heap", "code-cache", "anon-other", "jvm-libs", "other-libs", "cds", "jars",
            "other-files");

    private static final Pattern KB_LINE = Pattern.compile("^(\\w+):\\s+(\\d+) kB$", Pattern.MULTILINE);
    private static final Pattern THREADS = Pattern.compile("^Threads:\\s+(\\d+)$", Pattern.MULTILINE);
    private static final Pattern MAPPING = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\d+\\s*(.*)$");
    /** A generation (Serial, Parallel) or the whole heap (G1): one leading space, "total NK, used MK". */
    private static final Pattern HEAP = Pattern.compile("^ (?!Metaspace)\\S.*?total (\\d+)K, used (\\d+)K", Pattern.MULTILINE);
    private static final Pattern METASPACE = Pattern.compile("^ Metaspace\\s+used (\\d+)K, committed (\\d+)K", Pattern.MULTILINE);
    private static final Pattern CODE_HEAP = Pattern.compile("size=(\\d+)Kb used=(\\d+)Kb");
    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]+)");

    /** Measures {@code pid} now: /proc first (jcmd's attach adds a thread), then the JVM's own numbers. */
    static ProcessFootprint measure(long pid, Path jcmdCommands) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Map<String, Long> rollup = kbFields(read(proc.resolve("smaps_rollup")));
        int threads = threads(read(proc.resolve("status")));
        String smaps = read(proc.resolve("smaps"));
        String jvm = jcmd(pid, jcmdCommands);
        Map<String, Long> byKind = pssByKind(smaps, heapRanges(jvm), codeCacheRanges(jvm));
        long[] heap = heap(jvm);
        long[] meta = metaspace(jvm);
        return new ProcessFootprint(pid, rollup.getOrDefault("Rss", 0L), rollup.getOrDefault("Pss", 0L),
                rollup.getOrDefault("Pss_Anon", 0L), rollup.getOrDefault("Pss_File", 0L), threads,
                heap[0], heap[1], meta[0], meta[1], codeCacheUsed(jvm), byKind, archives(smaps));
    }

    /** The commands {@link #measure} gives jcmd, written once to a file for {@code jcmd PID -f FILE}. */
    static Path writeJcmdCommands(Path dir) {
        try {
            return Files.writeString(dir.resolve("footprint.jcmd"), "GC.heap_info\nCompiler.codecache\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every "Key:   N kB" line of smaps_rollup (or of one smaps entry). */
    static Map<String, Long> kbFields(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = KB_LINE.matcher(text);
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    /** "Threads:" of /proc/PID/status. */
    static int threads(String status) {
        Matcher m = THREADS.matcher(status);
        if (!m.find()) {
            throw new IllegalArgumentException("no Threads: line in /proc/PID/status");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * PSS summed per kind of mapping ({@link #KINDS}) over /proc/PID/smaps; an anonymous mapping that starts inside one
     * of {@code heap} or {@code codeCache} ({start, end} address ranges, as jcmd prints them) is the Java heap or the
     * code cache, any other is anon-other (metaspace, malloc: GC, compiler and symbol tables, direct buffers; stacks).
     */
    static Map<String, Long> pssByKind(String smaps, List<long[]> heap, List<long[]> codeCache) {
        Map<String, Long> out = new LinkedHashMap<>();
        KINDS.forEach(k -> out.put(k, 0L));
        String kind = null;
        for (String line : smaps.split("\n")) {
            Matcher header = MAPPING.matcher(line);
            if (header.matches()) {
                kind = kind(header.group(1).strip());
                if (kind.equals("anon-other")) {
                    long start = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
                    kind = inside(start, heap) ? "java-heap" : inside(start, codeCache) ? "code-cache" : kind;
                }
            } else if (kind != null && line.startsWith("Pss:")) {
                Matcher v = KB_LINE.matcher(line);
                if (v.find()) {
                    out.merge(kind, Long.parseLong(v.group(2)), Long::sum);
                }
            }
        }
        return out;
    }

    /** The class-data-sharing archives (.jsa) mapped: the JDK's own, and a service's AppCDS archive when it took. */
    static List<String> archives(String smaps) {
        return smaps.lines().map(MAPPING::matcher).filter(Matcher::matches).map(m -> m.group(1).strip())
                .filter(p -> p.endsWith(".jsa")).map(p -> p.substring(p.lastIndexOf('/') + 1)).distinct().toList();
    }

    private static boolean inside(long address, List<long[]> ranges) {
        return ranges.stream().anyMatch(r -> Long.compareUnsigned(address, r[0]) >= 0 && Long.compareUnsigned(address, r[1]) < 0);
    }

    /**
     * The kind of a mapping by its path: anon-other (no file; {@link #pssByKind} tells the heap and code cache apart),
     * the JDK's own binary and shared libraries (libjvm.so above all), other binaries and shared libraries, the
     * class-data-sharing archives (.jsa), jars and the JDK's modules image, other files (hsperfdata among them).
     */
    static String kind(String path) {
        if (path.isEmpty() || path.startsWith("[")) {
            return "anon-other";
        }
        if (path.endsWith(".jsa")) {
            return "cds";
        }
        if (path.contains(".so") || path.contains("/bin/")) {
            return path.contains("/jvm/") ? "jvm-libs" : "other-libs";
        }
        if (path.endsWith(".jar") || path.endsWith("/lib/modules")) {
            return "jars";
        }
        return "other-files";
    }

    /** The Java heap's reserved range(s): each generation's (or G1's whole heap's) first and last address. */
    static List<long[]> heapRanges(String heapInfo) {
        List<long[]> out = new ArrayList<>();
        Matcher m = HEAP.matcher(heapInfo);
        while (m.find()) {
            int end = heapInfo.indexOf('\n', m.end());
            addRange(heapInfo.substring(m.end(), end < 0 ? heapInfo.length() : end), out);
        }
        return out;
    }

    /** The code cache's range(s): each " bounds [low, high, reserved end]" line of Compiler.codecache. */
    static List<long[]> codeCacheRanges(String codecache) {
        List<long[]> out = new ArrayList<>();
        codecache.lines().filter(l -> l.startsWith(" bounds [")).forEach(l -> addRange(l, out));
        return out;
    }

    private static void addRange(String text, List<long[]> out) {
        Matcher a = ADDRESS.matcher(text);
        List<Long> addresses = new ArrayList<>();
        while (a.find()) {
            addresses.add(Long.parseUnsignedLong(a.group(1), 16));
        }
        if (addresses.size() >= 2) {
            out.add(new long[] {addresses.get(0), addresses.get(addresses.size() - 1)});
        }
    }

    /** {used, committed} of the Java heap, summed over its generations. */
    static long[] heap(String heapInfo) {
        long used = 0;
        long committed = 0;
        Matcher m = HEAP.matcher(heapInfo);
        while (m.find()) {
            committed += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        return new long[] {used, committed};
    }

    /** {used, committed} of metaspace (class space included), from GC.heap_info. */
    static long[] metaspace(String heapInfo) {
        Matcher m = METASPACE.matcher(heapInfo);
        return m.find() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : new long[] {0, 0};
    }

    /** Used kB of the code cache, summed over its segments ("CodeHeap '...': size=..Kb used=..Kb") or the one cache. */
    static long codeCacheUsed(String codecache) {
        long used = 0;
        Matcher m = CODE_HEAP.matcher(codecache);
        while (m.find()) {
            used += Long.parseLong(m.group(2));
        }
        return used;
    }

    private static String jcmd(long pid, Path commands) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid),
                    "-f", commands.toString()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("Metaspace")) {
                throw new IllegalStateException("jcmd " + pid + " GC.heap_info failed: "
                        + out.strip().lines().reduce((a, b) -> b).orElse("no output") + "; is it a JVM of this JDK ("
                        + System.getProperty("java.home") + ") and are we root?");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run jcmd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd " + pid, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (has the process exited?)", e);
        }
    }
}
