package dev.tabby.probe;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The networking modes an operator can configure. A problem that only one mode cares about fails only when that mode
 * is in use, and otherwise warns with its consequence.
 */
public enum Mode {
    IPIP("ipip", "IP-in-IP", Set.of("ipip")),
    VXLAN("vxlan", "VXLAN", Set.of()),
    BGP("bgp", "BGP", Set.of());

    /** Calico's default: IP-in-IP pools with BGP. */
    public static final Set<Mode> DEFAULT = Collections.unmodifiableSet(EnumSet.of(IPIP, BGP));

    private final String label;
    private final String title;
    private final Set<String> modules;

    Mode(String label, String title, Set<String> modules) {
        this.label = label;
        this.title = title;
        this.modules = modules;
    }

    /**
     * The kernel modules of the requirements page this mode cannot work without ({@code module-<name>} fails when
     * the mode is in use and the module is missing). Modules no mode declares are needed always, or are optional
     * (see ModuleCatalog).
     */
    public Set<String> modules() {
        return modules;
    }

    /** The modes that declare {@code module} as needed. */
    public static Set<Mode> needing(String module) {
        EnumSet<Mode> out = EnumSet.noneOf(Mode.class);
        for (Mode m : values()) {
            if (m.modules.contains(module)) {
                out.add(m);
            }
        }
        return out;
    }

    /** As written on the command line and in JSON: {@code ipip}, {@code vxlan}, {@code bgp}. */
    public String label() {
        return label;
    }

    /** As an operator says it: IP-in-IP, VXLAN, BGP. */
    public String title() {
        return title;
    }

    /**
     * Parses {@code ipip,vxlan,bgp} (any subset, any order, at least one).
     *
     * @throws IllegalArgumentException naming the unknown mode and the known ones
     */
    public static Set<Mode> parseList(String text) {
        EnumSet<Mode> modes = EnumSet.noneOf(Mode.class);
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            Mode m = Arrays.stream(values()).filter(v -> v.label.equals(p)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("--mode: '" + part.trim() + "' is not a mode; use ipip, vxlan and/or bgp, "
                            + "comma-separated (e.g. --mode vxlan,bgp)"));
            modes.add(m);
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("--mode names no mode; use ipip, vxlan and/or bgp, comma-separated");
        }
        return Collections.unmodifiableSet(modes);
    }

    public static String join(Set<Mode> modes) {
        return modes.stream().sorted().map(Mode::label).collect(Collectors.joining(","));
    }
}
