package dev.tabby.bgpspeaker.kernel;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.dataplane.route.RouteKernel;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * bgp-speaker's routes in the kernel: the main table's protocol-83 routes, converged to a {@link KernelRoutePlan} by
 * a {@link RouteTable}. A new instance knows nothing of the last run: its first apply re-reads the kernel, keeps the
 * routes still wanted as they are (no delete and re-add), and removes the stale ones. Routes of other protocols are
 * never touched, even at a destination we want (that route is reported instead).
 *
 * <p>Graceful restart needs nothing here: a restarting peer's routes stay in the speaker's Loc-RIB as stale until
 * its End-of-RIB (so they stay in the plan), and after our own restart the agent applies only once the speaker has
 * converged, so the routes adopted from the kernel are never removed and added again.
 *
 * <p>Used from the apply loop's thread only (as {@code ApplyLoop} drives vxlan-manager).
 */
public final class KernelRoutes {
    private static final Logger LOG = Logger.getLogger(KernelRoutes.class);

    private final Netlink netlink;
    private final IpFamilies families;
    private final RouteTable table;

    private Set<String> reportedProblems = Set.of();

    public KernelRoutes(Netlink netlink, IpFamilies families) {
        this.netlink = netlink;
        this.families = families;
        this.table = new RouteTable(RouteKernel.of(netlink), Route.MAIN_TABLE, RouteProtocol.BGP, families);
        // While this node's speaker holds the route claim, ipip-manager's routes (proto 82) are ours to replace in place
        // (datastore RouteClaims: the handover never leaves a destination without a route).
        this.table.adoptRoutesOf(RouteProtocol.IPIP);
    }

    /** The driver in an operator's words: {@code routes table 254 proto 83}. */
    public String name() {
        return table.name();
    }

    /**
     * Makes the kernel hold {@code wants}' routes: reads tunl0 and the host's networks, computes the plan, and
     * converges. Routes that cannot be installed come back as failures, one each, beside the writes of the others.
     */
    public ApplyResult apply(KernelWants wants) {
        HostFacts host;
        try {
            host = readHost();
        } catch (NetlinkException e) {
            return ApplyResult.failed(table.name(), "interface and address dump", e.getMessage());
        }
        KernelRoutePlan plan = KernelRoutePlan.compute(wants, host);
        List<Route> wanted = plan.routes().stream().filter(r -> owns(r.destination())).toList();
        table.replaceAllRoutes(wanted);
        ApplyResult written = table.apply();
        return ApplyResult.merge(written, problems(plan));
    }

    /** Makes the next apply re-read the kernel: the periodic resync that repairs drift and removes strays. */
    public void queueResync() {
        table.queueResync();
    }

    private boolean owns(Cidr destination) {
        return families == IpFamilies.BOTH || destination.isV4() == (families == IpFamilies.IPV4);
    }

    private HostFacts readHost() {
        Map<Integer, String> names = new HashMap<>();
        int tunl0 = 0;
        for (Link l : netlink.linkList()) {
            names.put(l.index(), l.name());
            if (KernelRoutePlan.TUNNEL_DEVICE.equals(l.name())) {
                tunl0 = l.index();
            }
        }
        List<ConnectedNetwork> connected = new ArrayList<>();
        for (Addr a : netlink.addrList(0, Family.UNSPEC)) {
            String name = names.get(a.linkIndex());
            // bird.cfg.template, protocol direct: interface -"cali*", -"kube-ipvs*", "*"
            if (name != null && !name.startsWith("cali") && !name.startsWith("kube-ipvs")) {
                connected.add(new ConnectedNetwork(a.address(), a.linkIndex()));
            }
        }
        return new HostFacts(tunl0, connected);
    }

    /** The plan's problems as failures of this driver; each is logged when it first appears and when it clears. */
    private ApplyResult problems(KernelRoutePlan plan) {
        List<ApplyResult.Failure> failures = new ArrayList<>();
        Set<String> now = new LinkedHashSet<>();
        for (KernelRoutePlan.RouteProblem p : plan.problems()) {
            if (!owns(p.prefix())) {
                continue;
            }
            failures.add(new ApplyResult.Failure(table.name(), p.path(), p.reason()));
            now.add(p.path());
            if (!reportedProblems.contains(p.path())) {
                LOG.warnf("event=bgp_kernel_route_skipped route=\"%s\" reason=\"%s\"", p.path(), p.reason());
            }
        }
        for (String gone : reportedProblems) {
            if (!now.contains(gone)) {
                LOG.infof("event=bgp_kernel_route_unblocked route=\"%s\"", gone);
            }
        }
        reportedProblems = now;
        return new ApplyResult(0, failures);
    }
}
