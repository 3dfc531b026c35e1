package dev.tabby.probe.checks;

import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.Glob;
import dev.tabby.probe.host.HostRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * systemd-networkd's .network files as it reads them: from /etc/systemd/network, /run/systemd/network,
 * /usr/local/lib/systemd/network, /usr/lib/systemd/network and /lib/systemd/network, one file per name (the first
 * directory wins; an empty file or a link to /dev/null masks it), all applied in name order, the first file whose
 * [Match] holds taking the link. {@code Name=} is a whitespace-separated list of shell globs, the whole list inverted
 * by a leading {@code !}; a file without any [Match] condition matches every link. Drop-in directories are not read.
 */
final class NetworkdConfig {
    private static final List<String> DIRS = List.of("/etc/systemd/network", "/run/systemd/network",
            "/usr/local/lib/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network");

    /** One .network file, reduced to what decides whether networkd takes a link. */
    record NetworkFile(String name, String shown, List<String> names, boolean inverted, List<String> otherMatchKeys,
                       boolean unmanaged) {
        /**
         * Whether this file's [Match] holds for one of Tabby's devices. Type=, Kind= and Driver= are compared with
         * what the device has; conditions that only hardware or wireless links meet never hold; conditions on the host
         * (Host=, Virtualization=, ...) are assumed to.
         */
        boolean matches(Device device) {
            for (String condition : otherMatchKeys) {
                String key = condition.substring(0, condition.indexOf('='));
                String value = condition.substring(condition.indexOf('=') + 1);
                String have = switch (key) {
                    case "Type" -> device.type();
                    case "Kind" -> device.kind();
                    case "Driver" -> device.driver();
                    default -> null;
                };
                if (have != null) {
                    if (!globList(value, have)) {
                        return false;
                    }
                } else if (NEVER_FOR_VIRTUAL.contains(key)) {
                    return false;
                }
            }
            if (names.isEmpty()) {
                return true;
            }
            boolean any = names.stream().anyMatch(g -> Glob.matches(g, device.name()));
            return any != inverted;
        }

        /** The conditions other than Name= that this file puts on a device, for messages. */
        List<String> assumedConditions() {
            return otherMatchKeys.stream().filter(c -> !Set.of("Type", "Kind", "Driver")
                    .contains(c.substring(0, c.indexOf('=')))).toList();
        }
    }

    /** One of Tabby's devices as networkd sees it: name, Type= (networkctl's TYPE), Kind= and Driver=. */
    record Device(String name, String type, String kind, String driver) {
    }

    /** A whitespace-separated glob list, inverted as a whole by a leading '!'. */
    private static boolean globList(String value, String have) {
        boolean invert = value.startsWith("!");
        String v = invert ? value.substring(1) : value;
        boolean any = false;
        for (String g : v.trim().split("\\s+")) {
            any |= !g.isEmpty() && Glob.matches(g, have);
        }
        return any != invert;
    }

    /** [Match] keys no veth, ipip or vxlan device satisfies: hardware identities and wireless properties. */
    private static final Set<String> NEVER_FOR_VIRTUAL = Set.of("MACAddress", "PermanentMACAddress", "Path",
            "Property", "WLANInterfaceType", "SSID", "BSSID");

    private final List<NetworkFile> files;
    private final List<String> problems;

    private NetworkdConfig(List<NetworkFile> files, List<String> problems) {
        this.files = files;
        this.problems = problems;
    }

    static NetworkdConfig read(HostRoot host) {
        Map<String, String> chosen = new TreeMap<>();
        for (String dir : DIRS) {
            for (String name : host.list(dir).names()) {
                if (name.endsWith(".network")) {
                    chosen.putIfAbsent(name, dir + "/" + name);
                }
            }
        }
        List<NetworkFile> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : chosen.entrySet()) {
            String path = e.getValue();
            if (host.readLink(path).filter(t -> t.equals("/dev/null")).isPresent()) {
                continue; // masked
            }
            FileText f = host.read(path);
            if (!f.ok()) {
                problems.add(f.describe());
                continue;
            }
            if (f.content().isEmpty()) {
                continue; // masked
            }
            files.add(parse(e.getKey(), f.shown(), f.content()));
        }
        return new NetworkdConfig(List.copyOf(files), List.copyOf(problems));
    }

    static NetworkFile parse(String name, String shown, String content) {
        List<String> names = new ArrayList<>();
        boolean inverted = false;
        List<String> other = new ArrayList<>();
        boolean unmanaged = false;
        for (IniFile.Entry e : IniFile.parse(content)) {
            if (e.section().equals("Match")) {
                if (e.key().equals("Name")) {
                    if (e.value().isEmpty()) {
                        names.clear();
                        inverted = false;
                        continue;
                    }
                    String v = e.value();
                    if (v.startsWith("!")) {
                        inverted = true;
                        v = v.substring(1);
                    }
                    for (String g : v.trim().split("\\s+")) {
                        if (!g.isEmpty()) {
                            names.add(g);
                        }
                    }
                } else if (!e.value().isEmpty()) {
                    other.add(e.key() + "=" + e.value());
                }
            } else if (e.section().equals("Link") && e.key().equals("Unmanaged")) {
                unmanaged = IniFile.isTrue(e.value());
            }
        }
        return new NetworkFile(name, shown, List.copyOf(names), inverted, List.copyOf(other), unmanaged);
    }

    /** The file networkd would apply to the device, if any. */
    Optional<NetworkFile> fileFor(Device device) {
        return files.stream().filter(f -> f.matches(device)).findFirst();
    }

    List<NetworkFile> files() {
        return files;
    }

    List<String> problems() {
        return problems;
    }
}
