package dev.tabby.probe.checks;

import dev.tabby.model.net.IpAddress;
import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.net.RouteTable;
import java.util.List;
import java.util.Optional;

/**
 * default-route: workloads route everything via 169.254.1.1, an address no interface has. The host answers their
 * ARP for it by proxy ARP on the cali* veth (the CNI plugin sets proxy_arp=1 there; Calico v3.18
 * cni-plugin/pkg/dataplane/linux/dataplane_linux.go), and the kernel only proxies an address it has a unicast route
 * to (net/ipv4/arp.c, arp_process: ip_route_input_noref must give RTN_UNICAST). Normally the default route covers
 * it. Without such a route, workloads cannot resolve their gateway and get no traffic out.
 *
 * <p>IPv6 needs no check: Calico's IPv6 workloads route via the link-local address of the host side of their veth
 * (the same dataplane_linux.go reads it from the host veth), an address the host owns and answers for itself, with
 * or without a default route.
 */
public final class DefaultRouteCheck implements Check {
    public static final String ID = "default-route";
    /** The gateway every Calico workload has. */
    public static final IpAddress WORKLOAD_GATEWAY = IpAddress.parse("169.254.1.1");
    private static final String REQUIRED = "a route in the main table that covers 169.254.1.1 (normally the default "
            + "route), so the host answers workloads' ARP for their gateway 169.254.1.1 by proxy ARP";
    private static final String REMEDY = "add a default route; without one, workloads cannot resolve their gateway "
            + "169.254.1.1 and get no traffic out";

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        RouteTable table = ctx.routes();
        if (table.problem().isPresent()) {
            return List.of(CheckResult.notTested(ID, Status.WARN, "cannot read the routes: " + table.problem().get(),
                    REQUIRED, "run the probe in the node's network namespace with access to netlink (or /proc/net/route)"));
        }
        Optional<RouteTable.Entry> picked = table.lookup(WORKLOAD_GATEWAY);
        if (picked.isEmpty()) {
            return List.of(CheckResult.fail(ID, "no route covers 169.254.1.1 in " + table.source()
                    + (table.routes().isEmpty() ? " (it is empty)" : ""), REQUIRED, REMEDY));
        }
        RouteTable.Entry r = picked.get();
        if (!r.unicast()) {
            return List.of(CheckResult.fail(ID, "169.254.1.1 falls to '" + r.describe() + "' in " + table.source()
                    + ", which the kernel does not proxy ARP for", REQUIRED,
                    "remove that route or add a more specific unicast one; " + REMEDY));
        }
        return List.of(CheckResult.pass(ID, "169.254.1.1 is covered by '" + r.describe() + "' in " + table.source(),
                REQUIRED));
    }
}
