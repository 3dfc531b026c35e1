package dev.tabby.renderer.manager;

import dev.tabby.dataplane.iptables.CommandRunner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The per-interface kernel settings Felix v3.18 gives a workload interface when it comes up
 * (dataplane/linux/endpoint_mgr.go configureInterface): router advertisements ignored ({@code accept_ra 0}, best
 * effort, whatever the IP version); for IPv4 {@code route_localnet 1}, {@code proxy_delay 0}, {@code proxy_arp 1},
 * {@code forwarding 1}; for IPv6 {@code proxy_ndp 1}, {@code forwarding 1}. One {@code sysctl} call for every interface
 * of an apply, through the command runner so the values land in the node's namespace. Keys are written with slashes
 * so an interface name with a dot (a VLAN) stays one path element.
 */
public final class InterfaceSysctls {
    private static final Logger LOG = Logger.getLogger(InterfaceSysctls.class);
    /** sysctl's complaint names the file: {@code sysctl: cannot stat /proc/sys/net/ipv4/conf/calix/forwarding: ...}. */
    private static final Pattern FAILED_KEY = Pattern.compile("/proc/sys/net/ipv[46]/(?:conf|neigh)/([^/]+)/([a-z_]+)");

    private InterfaceSysctls() {
    }

    /** The settings for one interface, as {@code key=value} arguments of sysctl. */
    static List<String> settings(String iface, Collection<Integer> ipVersions) {
        List<String> out = new ArrayList<>();
        out.add("net/ipv6/conf/" + iface + "/accept_ra=0");
        if (ipVersions.contains(4)) {
            out.add("net/ipv4/conf/" + iface + "/route_localnet=1");
            out.add("net/ipv4/neigh/" + iface + "/proxy_delay=0");
            out.add("net/ipv4/conf/" + iface + "/proxy_arp=1");
            out.add("net/ipv4/conf/" + iface + "/forwarding=1");
        }
        if (ipVersions.contains(6)) {
            out.add("net/ipv6/conf/" + iface + "/proxy_ndp=1");
            out.add("net/ipv6/conf/" + iface + "/forwarding=1");
        }
        return out;
    }

    /**
     * Configures {@code interfaces}; returns those that failed (their endpoints report {@code error} until a retry
     * succeeds). A failed {@code accept_ra} alone is not a failure, as in Felix (IPv6 may be off in the kernel).
     */
    public static Set<String> configure(CommandRunner runner, Collection<String> interfaces, Collection<Integer> ipVersions) {
        if (interfaces.isEmpty()) {
            return Set.of();
        }
        List<String> argv = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        interfaces.forEach(i -> argv.addAll(settings(i, ipVersions)));
        CommandRunner.Result r;
        try {
            r = runner.run(argv, "");
        } catch (IllegalStateException e) {
            LOG.warnf("event=interface_config_failed interfaces=%d problem=\"%s\" action=retry", interfaces.size(), e.getMessage());
            return new TreeSet<>(interfaces);
        }
        if (r.ok()) {
            return Set.of();
        }
        Set<String> failed = failedInterfaces(r.stderr());
        failed.retainAll(interfaces);
        if (failed.isEmpty() && !FAILED_KEY.matcher(r.stderr()).find()) {
            failed.addAll(interfaces); // sysctl failed without naming a file: every interface is in doubt
        }
        if (!failed.isEmpty()) {
            LOG.warnf("event=interface_config_failed interfaces=%s problem=\"%s\" action=retry", failed,
                    r.stderr().strip().lines().findFirst().orElse("exit " + r.exitCode()));
        }
        return failed;
    }

    /** The interfaces named in sysctl's errors, leaving out {@code accept_ra} (best effort). */
    static Set<String> failedInterfaces(String stderr) {
        Set<String> out = new TreeSet<>();
        Matcher m = FAILED_KEY.matcher(stderr);
        while (m.find()) {
            if (!m.group(2).equals("accept_ra")) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
