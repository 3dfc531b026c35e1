package dev.tabby.probe.checks;

import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.Glob;
import dev.tabby.probe.host.HostRoot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * NetworkManager's merged configuration, read as NetworkManager reads it: /usr/lib/NetworkManager/conf.d, then
 * /run/NetworkManager/conf.d, then /etc/NetworkManager/NetworkManager.conf, then /etc/NetworkManager/conf.d (each
 * directory's *.conf in name order, a file in /etc or /run shadowing one of the same name further down), then
 * /var/lib/NetworkManager/NetworkManager-intern.conf; later settings override earlier ones, {@code +=} and {@code -=}
 * edit lists. What matters here: {@code [keyfile] unmanaged-devices} and {@code managed=} in {@code [device*]}
 * sections, both in NetworkManager's device-list format.
 */
final class NmConfig {
    static final String MAIN = "/etc/NetworkManager/NetworkManager.conf";

    private final List<String> files = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> unmanaged = new ArrayList<>();
    private String unmanagedFrom;
    private String unmanagedFromPath;
    private final Map<String, Map<String, String>> deviceSections = new LinkedHashMap<>();
    private final Map<String, String> deviceSectionFiles = new LinkedHashMap<>();

    static NmConfig read(HostRoot host) {
        NmConfig c = new NmConfig();
        List<String> etcD = confNames(host, "/etc/NetworkManager/conf.d");
        List<String> runD = confNames(host, "/run/NetworkManager/conf.d");
        List<String> usrD = confNames(host, "/usr/lib/NetworkManager/conf.d");
        List<String> order = new ArrayList<>();
        for (String n : usrD) {
            if (!runD.contains(n) && !etcD.contains(n)) {
                order.add("/usr/lib/NetworkManager/conf.d/" + n);
            }
        }
        for (String n : runD) {
            if (!etcD.contains(n)) {
                order.add("/run/NetworkManager/conf.d/" + n);
            }
        }
        order.add(MAIN);
        for (String n : etcD) {
            order.add("/etc/NetworkManager/conf.d/" + n);
        }
        order.add("/var/lib/NetworkManager/NetworkManager-intern.conf");
        for (String path : order) {
            FileText f = host.read(path);
            if (f.missing()) {
                continue;
            }
            if (!f.ok()) {
                c.problems.add(f.describe());
                continue;
            }
            c.files.add(f.shown());
            c.apply(path, f.shown(), IniFile.parse(f.content()));
        }
        return c;
    }

    private static List<String> confNames(HostRoot host, String dir) {
        return host.list(dir).names().stream().filter(n -> n.endsWith(".conf")).toList();
    }

    private void apply(String path, String file, List<IniFile.Entry> entries) {
        for (IniFile.Entry e : entries) {
            if (e.section().equals("keyfile") && e.key().equals("unmanaged-devices")) {
                List<String> specs = DeviceSpec.split(e.value());
                switch (e.op()) {
                    case "=" -> {
                        unmanaged.clear();
                        unmanaged.addAll(specs);
                    }
                    case "+=" -> specs.stream().filter(s -> !unmanaged.contains(s)).forEach(unmanaged::add);
                    default -> unmanaged.removeAll(specs);
                }
                unmanagedFrom = file;
                unmanagedFromPath = path;
            } else if (e.section().startsWith("device")) {
                deviceSections.computeIfAbsent(e.section(), k -> new LinkedHashMap<>()).put(e.key(), e.value());
                deviceSectionFiles.putIfAbsent(e.section(), file);
            }
        }
    }

    /** The files read, in order. */
    List<String> files() {
        return files;
    }

    /** Configuration files that exist but could not be read. */
    List<String> problems() {
        return problems;
    }

    /** The host path of the file that last set {@code unmanaged-devices}, or null. */
    String unmanagedFromPath() {
        return unmanagedFromPath;
    }

    /** The effective {@code [keyfile] unmanaged-devices} entries. */
    List<String> unmanagedDevices() {
        return unmanaged;
    }

    /**
     * What keeps NetworkManager off the device, e.g. {@code [keyfile] unmanaged-devices in /etc/...}; empty when
     * NetworkManager would manage it.
     */
    Optional<String> unmanagedBy(String ifname, String nmType) {
        if (DeviceSpec.matches(unmanaged, ifname, nmType)) {
            return Optional.of("[keyfile] unmanaged-devices in " + unmanagedFrom);
        }
        for (Map.Entry<String, Map<String, String>> s : deviceSections.entrySet()) {
            String managed = s.getValue().get("managed");
            if (managed == null) {
                continue;
            }
            String match = s.getValue().get("match-device");
            if (match != null && !DeviceSpec.matches(DeviceSpec.split(match), ifname, nmType)) {
                continue;
            }
            // The first [device*] section that matches and sets managed= decides.
            if (IniFile.isFalse(managed)) {
                return Optional.of("[" + s.getKey() + "] managed=" + managed + " in " + deviceSectionFiles.get(s.getKey()));
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** NetworkManager's device-list format (NetworkManager.conf(5), "Device List Format"). */
    static final class DeviceSpec {
        private DeviceSpec() {
        }

        /** Splits on unescaped {@code ,} and {@code ;}, trims, and resolves backslash escapes. */
        static List<String> split(String value) {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    char n = value.charAt(++i);
                    cur.append(switch (n) {
                        case 's' -> ' ';
                        case 't' -> '\t';
                        case 'n' -> '\n';
                        default -> n;
                    });
                } else if (c == ',' || c == ';') {
                    add(out, cur);
                } else {
                    cur.append(c);
                }
            }
            add(out, cur);
            return out;
        }

        private static void add(List<String> out, StringBuilder cur) {
            String s = cur.toString().strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
            cur.setLength(0);
        }

        /** Negative ({@code except:}) entries win; a list of only negative entries means "all but those". */
        static boolean matches(List<String> specs, String ifname, String nmType) {
            if (specs.isEmpty()) {
                return false;
            }
            boolean positive = false;
            boolean anyPositive = false;
            for (String spec : specs) {
                if (spec.startsWith("except:")) {
                    if (one(spec.substring("except:".length()), ifname, nmType)) {
                        return false;
                    }
                } else {
                    anyPositive = true;
                    positive |= one(spec, ifname, nmType);
                }
            }
            return positive || !anyPositive;
        }

        private static boolean one(String spec, String ifname, String nmType) {
            if (spec.equals("*")) {
                return true;
            }
            if (spec.startsWith("interface-name:=")) {
                return spec.substring("interface-name:=".length()).equals(ifname);
            }
            if (spec.startsWith("interface-name:~")) {
                return Glob.simple(spec.substring("interface-name:~".length()), ifname);
            }
            if (spec.startsWith("interface-name:")) {
                return Glob.simple(spec.substring("interface-name:".length()), ifname);
            }
            if (spec.startsWith("type:")) {
                return spec.substring("type:".length()).equals(nmType);
            }
            if (spec.matches("[a-z0-9-]+:.*") && !spec.matches("([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}")) {
                return false; // mac:, driver:, s390-subchannels:, dhcp-plugin: say nothing about a name
            }
            // Without a prefix: a MAC address, or else a literal interface name.
            return !spec.matches("([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}") && spec.equals(ifname);
        }
    }

    /** The effective entries that do not already cover all of {@code wanted}, in order, without duplicates. */
    static List<String> merged(List<String> existing, List<String> wanted) {
        Set<String> out = new LinkedHashSet<>(existing);
        out.addAll(wanted);
        return List.copyOf(out);
    }
}
