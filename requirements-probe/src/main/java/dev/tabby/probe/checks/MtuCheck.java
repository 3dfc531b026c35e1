package dev.tabby.probe.checks;

import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Mode;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.net.RouteTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * mtu: the node's interfaces' MTUs and what the tunnels would get: IP-in-IP 20 bytes less, VXLAN 50 less, than the
 * interface that carries traffic to other hosts (the default route's). On a live host both come from netlink in the
 * network namespace this process runs in (the node's); under a fixture root from /sys/class/net/*&#47;mtu and
 * /proc/net/route.
 * Warns when a tunnel in use would fall below 1280, the least IPv6 needs.
 */
public final class MtuCheck implements Check {
    public static final String ID = "mtu";
    static final int IPIP_OVERHEAD = 20;
    static final int VXLAN_OVERHEAD = 50;
    private static final int IPV6_MINIMUM = 1280;
    private static final String REQUIRED = "a host MTU that leaves room for the encapsulation: IP-in-IP gets the "
            + "host MTU - 20, VXLAN the host MTU - 50, at least 1280 for IPv6";

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        HostRoot host = ctx.host();
        Map<String, Integer> mtus = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        if (host.live()) {
            // The node's interfaces are those of the namespace this process runs in: netlink sees them whatever
            // /sys (or a mounted host's /sys) shows.
            try (Netlink nl = Netlink.open()) {
                for (Link l : nl.linkList()) {
                    if (!l.attrs().name().equals("lo") && !isTabbys(l.attrs().name())) {
                        mtus.put(l.attrs().name(), l.attrs().mtu());
                    }
                }
            } catch (NetlinkException | UnsupportedOperationException | LinkageError e) {
                return List.of(CheckResult.notTested(ID, Status.WARN, "cannot list the interfaces of this network "
                        + "namespace: " + e.getMessage(), REQUIRED, "run the probe where it can open a netlink socket"));
            }
            if (mtus.isEmpty()) {
                return List.of(CheckResult.warn(ID, "this network namespace has no interface but lo (and Tabby's)",
                        REQUIRED, "give the node an interface towards the other hosts"));
            }
        } else {
            HostRoot.Listing links = host.list("/sys/class/net");
            if (!links.ok() || links.names().isEmpty()) {
                return List.of(CheckResult.notTested(ID, Status.WARN, "cannot list the host's interfaces: "
                        + links.shown() + (links.ok() ? " is empty or not present" : " (" + links.problem() + ")"),
                        REQUIRED, "give the host root its /sys/class/net/*/mtu, or run the probe on the host"));
            }
            for (String name : links.names()) {
                if (name.equals("lo") || isTabbys(name)) {
                    continue;
                }
                FileText mtu = host.read("/sys/class/net/" + name + "/mtu");
                try {
                    mtus.put(name, Integer.parseInt(mtu.firstLine().orElseThrow()));
                } catch (RuntimeException e) {
                    unreadable.add(mtu.ok() ? mtu.shown() + " is not a number" : mtu.describe());
                }
            }
            if (mtus.isEmpty()) {
                return List.of(CheckResult.notTested(ID, Status.WARN, "no host interface MTU could be read"
                        + (unreadable.isEmpty() ? "" : ": " + String.join("; ", unreadable)), REQUIRED,
                        "give the host root its /sys/class/net/*/mtu, or run the probe on the host"));
            }
        }
        Optional<String> uplink = defaultRouteInterface(ctx).filter(mtus::containsKey);
        String carrier = uplink.orElseGet(() -> mtus.entrySet().stream().min(Map.Entry.comparingByValue())
                .orElseThrow().getKey());
        int hostMtu = mtus.get(carrier);
        int ipip = hostMtu - IPIP_OVERHEAD;
        int vxlan = hostMtu - VXLAN_OVERHEAD;
        StringBuilder observed = new StringBuilder();
        observed.append(carrier).append(' ').append(hostMtu)
                .append(uplink.isPresent() ? " (default route)" : " (smallest; no IPv4 default route)");
        List<String> others = new ArrayList<>();
        mtus.forEach((n, m) -> {
            if (!n.equals(carrier)) {
                others.add(n + " " + m);
            }
        });
        if (!others.isEmpty()) {
            observed.append("; also ").append(String.join(", ", others));
        }
        observed.append("; IP-in-IP would get MTU ").append(ipip).append(", VXLAN ").append(vxlan);
        if (!unreadable.isEmpty()) {
            observed.append("; unreadable: ").append(String.join("; ", unreadable));
        }
        List<String> small = new ArrayList<>();
        if (ctx.inUse(Mode.IPIP) && ipip < IPV6_MINIMUM) {
            small.add("IP-in-IP " + ipip);
        }
        if (ctx.inUse(Mode.VXLAN) && vxlan < IPV6_MINIMUM) {
            small.add("VXLAN " + vxlan);
        }
        if (!small.isEmpty()) {
            return List.of(CheckResult.warn(ID, observed + "; " + String.join(" and ", small) + " is below "
                    + IPV6_MINIMUM + ", too small for IPv6 workloads", REQUIRED,
                    "raise the MTU of " + carrier + " (jumbo frames on the underlay) or keep workloads IPv4-only"));
        }
        return List.of(CheckResult.pass(ID, observed.toString(), REQUIRED));
    }

    /** Tabby's own devices do not carry the underlay. */
    private static boolean isTabbys(String name) {
        return name.startsWith("cali") || name.equals("tunl0") || name.equals("vxlan.calico");
    }

    /** The interface of the IPv4 default route of the node's main table. */
    static Optional<String> defaultRouteInterface(ProbeContext ctx) {
        return ctx.routes().defaultRoute().map(RouteTable.Entry::device);
    }
}
