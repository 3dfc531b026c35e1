package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Mode;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.host.ProcessTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * networkmanager: NetworkManager (and systemd-networkd) must leave cali*, tunl* and vxlan.calico alone, or they take
 * Tabby's interfaces over. Judged from the configuration as each daemon would read it, with sample names for the
 * patterns; "running" from the process list. A daemon that is running and would manage an interface Tabby needs in
 * the modes in use fails; installed-but-stopped, or a mode not in use, warns. The remedy is the exact file to drop in.
 */
public final class NetworkManagerCheck implements Check {
    public static final String ID = "networkmanager";
    /** The drop-in the remedy asks for; Calico's documentation names it so too. */
    public static final String NM_DROPIN = "/etc/NetworkManager/conf.d/calico.conf";
    static final List<String> NM_ENTRIES = List.of("interface-name:cali*", "interface-name:tunl*",
            "interface-name:vxlan.calico");
    private static final String REQUIRED = "NetworkManager and systemd-networkd leave cali*, tunl* and vxlan.calico "
            + "unmanaged";

    /**
     * Tabby's interfaces: a name pattern, names to try it with, NetworkManager's device type, networkd's Type=, Kind=
     * and Driver= for them, and the mode that needs them (null: always).
     */
    enum Group {
        CALI("cali*", List.of("cali1234567890a", "calia0b1c2d3e4f"), "veth", "ether", "veth", "veth", null),
        TUNL("tunl*", List.of("tunl0"), "ip-tunnel", "tunnel", "ipip", "ipip", Mode.IPIP),
        VXLAN("vxlan.calico", List.of("vxlan.calico"), "vxlan", "vxlan", "vxlan", "vxlan", Mode.VXLAN);

        final String pattern;
        final List<String> samples;
        final String nmType;
        final String networkdType;
        final String kind;
        final String driver;
        final Mode mode;

        Group(String pattern, List<String> samples, String nmType, String networkdType, String kind, String driver,
              Mode mode) {
            this.pattern = pattern;
            this.samples = samples;
            this.nmType = nmType;
            this.networkdType = networkdType;
            this.kind = kind;
            this.driver = driver;
            this.mode = mode;
        }

        boolean needed(ProbeContext ctx) {
            return mode == null || ctx.inUse(mode);
        }
    }

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        Status status = Status.PASS;
        List<String> observed = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        HostRoot host = ctx.host();
        ProcessTable procs = ctx.processes();

        List<ProcessTable.Proc> nm = procs.named("NetworkManager");
        boolean nmInstalled = !nm.isEmpty() || host.findBinary("NetworkManager").isPresent()
                || host.isDirectory("/etc/NetworkManager");
        if (!nmInstalled) {
            observed.add("NetworkManager is not installed");
        } else {
            NmConfig cfg = NmConfig.read(host);
            String state = nm.isEmpty() ? "NetworkManager is installed but not running"
                    : "NetworkManager is running (pid " + nm.get(0).pid() + ")";
            List<Group> managed = new ArrayList<>();
            List<String> by = new ArrayList<>();
            for (Group g : Group.values()) {
                Optional<String> reason = Optional.empty();
                for (String sample : g.samples) {
                    reason = cfg.unmanagedBy(sample, g.nmType);
                    if (reason.isEmpty()) {
                        break;
                    }
                }
                if (reason.isEmpty()) {
                    managed.add(g);
                } else if (!by.contains(reason.get())) {
                    by.add(reason.get());
                }
            }
            if (managed.isEmpty()) {
                observed.add(state + "; it leaves cali*, tunl* and vxlan.calico alone (" + String.join("; ", by) + ")");
            } else {
                for (Group g : managed) {
                    status = status.worse(!nm.isEmpty() && g.needed(ctx) ? Status.FAIL : Status.WARN);
                }
                String setting = cfg.unmanagedDevices().isEmpty() ? "no [keyfile] unmanaged-devices setting"
                        : "unmanaged-devices=" + String.join(";", cfg.unmanagedDevices());
                String read = cfg.files().isEmpty() ? "no configuration file" : String.join(", ", cfg.files());
                observed.add(state + "; it would manage " + patterns(managed) + " (" + setting + "; read " + read
                        + ")" + unused(ctx, managed));
                remedies.add(nmRemedy(cfg));
            }
            if (!cfg.problems().isEmpty()) {
                status = status.worse(Status.WARN);
                observed.add("unreadable NetworkManager configuration: " + String.join("; ", cfg.problems()));
                if (remedies.isEmpty()) {
                    remedies.add("make the NetworkManager configuration files readable regular files");
                }
            }
        }

        NetworkdConfig networkd = NetworkdConfig.read(host);
        List<ProcessTable.Proc> nd = procs.named("systemd-networkd");
        List<Group> taken = new ArrayList<>();
        Map<String, List<String>> takenBy = new LinkedHashMap<>();
        for (Group g : Group.values()) {
            for (String sample : g.samples) {
                Optional<NetworkdConfig.NetworkFile> f = networkd.fileFor(
                        new NetworkdConfig.Device(sample, g.networkdType, g.kind, g.driver));
                if (f.isPresent() && !f.get().unmanaged()) {
                    taken.add(g);
                    List<String> assumed = f.get().assumedConditions();
                    takenBy.computeIfAbsent(f.get().shown() + (assumed.isEmpty() ? "" : " (if its "
                            + String.join(", ", assumed) + " hold)"), k -> new ArrayList<>()).add(sample);
                    break;
                }
            }
        }
        String ndState = nd.isEmpty() ? "systemd-networkd is not running" : "systemd-networkd is running (pid "
                + nd.get(0).pid() + ")";
        if (!taken.isEmpty()) {
            for (Group g : taken) {
                status = status.worse(!nd.isEmpty() && g.needed(ctx) ? Status.FAIL : Status.WARN);
            }
            List<String> matches = new ArrayList<>();
            takenBy.forEach((file, names) -> matches.add(file + " matches " + String.join(", ", names)));
            observed.add(ndState + "; it would manage " + patterns(taken) + ": " + String.join("; ", matches)
                    + unused(ctx, taken));
            remedies.add("create " + networkdDropIn(networkd) + " containing:\n[Match]\n"
                    + "Name=cali* tunl* vxlan.calico\n\n[Link]\nUnmanaged=yes\nthen run: networkctl reload");
        } else if (!networkd.files().isEmpty()) {
            observed.add("no systemd-networkd .network file matches cali*, tunl* or vxlan.calico");
        }
        if (!networkd.problems().isEmpty()) {
            status = status.worse(Status.WARN);
            observed.add("unreadable .network files: " + String.join("; ", networkd.problems()));
        }
        return List.of(new CheckResult(ID, status, String.join("; ", observed), REQUIRED, String.join("\n", remedies)));
    }

    /**
     * The drop-in with the effective entries plus Tabby's, so nothing the operator set is lost. A conf.d file that
     * sorts after calico.conf would override it, so then the remedy edits that file instead.
     */
    static String nmRemedy(NmConfig cfg) {
        String value = "unmanaged-devices=" + String.join(";", NmConfig.merged(cfg.unmanagedDevices(), NM_ENTRIES));
        String from = cfg.unmanagedFromPath();
        String dropInName = NM_DROPIN.substring(NM_DROPIN.lastIndexOf('/') + 1);
        if (from != null && from.startsWith("/etc/NetworkManager/conf.d/")
                && from.substring(from.lastIndexOf('/') + 1).compareTo(dropInName) > 0) {
            return "in " + from + " (read after " + NM_DROPIN + " would be), set under [keyfile]:\n" + value
                    + "\nthen run: systemctl reload NetworkManager";
        }
        return "create " + NM_DROPIN + " containing:\n[keyfile]\n" + value + "\nthen run: systemctl reload NetworkManager";
    }

    private static String patterns(List<Group> groups) {
        return groups.stream().map(g -> g.pattern).collect(Collectors.joining(", "));
    }

    private static String unused(ProbeContext ctx, List<Group> groups) {
        List<String> unused = groups.stream().filter(g -> !g.needed(ctx)).map(g -> g.pattern + " only matters with "
                + g.mode.title()).toList();
        return unused.isEmpty() ? "" : " (" + String.join("; ", unused) + ")";
    }

    /**
     * A name that sorts before every existing .network file, so networkd applies it first: 00-calico.network, else
     * 0-calico.network, else -calico.network ('-' sorts before digits).
     */
    static String networkdDropIn(NetworkdConfig networkd) {
        for (String name : List.of("00-calico.network", "0-calico.network", "-calico.network")) {
            if (networkd.files().stream().noneMatch(f -> f.name().compareTo(name) < 0)) {
                return "/etc/systemd/network/" + name;
            }
        }
        return "/etc/systemd/network/00-calico.network";
    }
}
