package dev.tabby.probe.host;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's build configuration, from {@code /proc/config.gz} or else {@code /boot/config-<release>}. A file that
 * cannot be read whole (a truncated gzip, say) is not used at all: half a config would make present options look
 * absent. {@link #notes()} says what was tried and why it was not used.
 */
public final class KernelConfig {
    /** How an option was built. Options kconfig left out (their dependencies are off) count as {@link #NO}. */
    public enum Tristate { YES, MODULE, NO }

    private static final Pattern SET = Pattern.compile("^(CONFIG_[A-Za-z0-9_]+)=(.*)$");
    private static final Pattern NOT_SET = Pattern.compile("^# (CONFIG_[A-Za-z0-9_]+) is not set$");

    private final Map<String, String> values;
    private final String source;
    private final String notes;

    private KernelConfig(Map<String, String> values, String source, String notes) {
        this.values = values;
        this.source = source;
        this.notes = notes;
    }

    public static KernelConfig read(HostRoot host, Optional<String> release) {
        StringBuilder notes = new StringBuilder();
        FileText gz = host.readGzip("/proc/config.gz");
        Optional<KernelConfig> fromGz = parse(gz, notes);
        if (fromGz.isPresent()) {
            return fromGz.get();
        }
        if (release.isPresent()) {
            FileText boot = host.read("/boot/config-" + release.get());
            Optional<KernelConfig> fromBoot = parse(boot, notes);
            if (fromBoot.isPresent()) {
                return new KernelConfig(fromBoot.get().values, fromBoot.get().source, notes.toString());
            }
        } else {
            notes.append("; no kernel release to find /boot/config-<release>");
        }
        return new KernelConfig(Map.of(), null, notes.toString());
    }

    private static Optional<KernelConfig> parse(FileText file, StringBuilder notes) {
        if (!file.ok()) {
            append(notes, file.describe());
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (String line : file.lines()) {
            String l = line.trim();
            Matcher set = SET.matcher(l);
            if (set.matches()) {
                values.put(set.group(1), unquote(set.group(2)));
                continue;
            }
            Matcher notSet = NOT_SET.matcher(l);
            if (notSet.matches()) {
                values.put(notSet.group(1), "n");
            }
        }
        if (values.isEmpty()) {
            append(notes, file.shown() + " has no CONFIG_ lines");
            return Optional.empty();
        }
        return Optional.of(new KernelConfig(Map.copyOf(values), file.shown(), notes.toString()));
    }

    private static void append(StringBuilder notes, String s) {
        if (!notes.isEmpty()) {
            notes.append("; ");
        }
        notes.append(s);
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    public boolean available() {
        return source != null;
    }

    /** Where the config came from, for messages; null when none was usable. */
    public String source() {
        return source;
    }

    /** What was tried and could not be used ({@code ""} when the first choice worked). */
    public String notes() {
        return notes;
    }

    public Tristate state(String symbol) {
        String v = values.get(symbol);
        if ("y".equals(v)) {
            return Tristate.YES;
        }
        if ("m".equals(v)) {
            return Tristate.MODULE;
        }
        return Tristate.NO;
    }

    /** {@code CONFIG_IP_SET=y}, {@code CONFIG_NET_IPIP is not set}, or that kconfig left it out. */
    public String describe(String symbol) {
        String v = values.get(symbol);
        if (v == null) {
            return symbol + " is not in the config (an option it depends on is off)";
        }
        return "n".equals(v) ? symbol + " is not set" : symbol + "=" + v;
    }

    /** The strongest state among several symbols that each build the module. */
    public Tristate best(List<String> symbols) {
        Tristate best = Tristate.NO;
        for (String s : symbols) {
            Tristate t = state(s);
            if (t == Tristate.YES) {
                return t;
            }
            if (t == Tristate.MODULE) {
                best = t;
            }
        }
        return best;
    }
}
