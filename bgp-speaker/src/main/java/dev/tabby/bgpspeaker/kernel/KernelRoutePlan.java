package dev.tabby.bgpspeaker.kernel;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.netlink.RouteType;
import dev.tabby.netlink.Scope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes bgp-speaker wants in the kernel (main table, protocol 83), a pure function of the Loc-RIB, the pools,
 * this node's subnets and blocks, and the host's interfaces: what Calico v3.18's BIRD programs through confd's
 * templates (projectcalico/confd release-v3.18, etc/calico/confd/templates/).
 *
 * <ul>
 *   <li>Blackholes: one per block affine to this node, except a /32 (/128) block: bird_aggr.cfg.template lines 6-16
 *       ({@code route CIDR blackhole;} in {@code protocol static}, line 12 skipping {@code /32}), bird6_aggr.cfg.template
 *       likewise with {@code /128}. The kernel filter below applies to them as to every exported route.</li>
 *   <li>The kernel filter, {@code calico_kernel_programming} of bird_ipam.cfg.template (IPv4): a prefix inside a service
 *       CIDR is rejected (lines 26-36, {@code /rejectcidrs}); inside a pool (lines 38-57): VXLAN pools rejected (lines
 *       40-42, Felix routes them), IP-in-IP CrossSubnet pools tunnelled unless the BGP next hop is inside this node's
 *       subnet (lines 44-49), IP-in-IP Always pools tunnelled (lines 50-52), other pools direct (lines 53-55);
 *       outside every pool, direct (line 59). IPv6 (bird6_ipam.cfg.template lines 24-37): only the service CIDRs are
 *       rejected, everything else goes direct.</li>
 *   <li>"Tunnelled" is {@code krt_tunnel = "tunl0"}, which the Calico fork of BIRD (projectcalico/bird v0.3.3,
 *       sysdep/linux/netlink.c nl_send_route) turns into {@code RTA_OIF} = tunl0, {@code RTA_GATEWAY} = the original
 *       BGP next hop and {@code RTNH_F_ONLINK}: {@code via NH dev tunl0 onlink}. Direct is {@code via NH dev D}, D the
 *       interface whose network holds NH.</li>
 *   <li>Which route wins a prefix (BIRD preferences, nest/route.h): static 200 over BGP 100, so a learned route for
 *       exactly one of this node's blocks never displaces its blackhole; a more specific one (an address another node
 *       borrowed from the block) is a different prefix and is programmed beside it. Direct 240 over BGP: a learned
 *       route for exactly a connected network is not programmed (the kernel protocol never exports device routes).</li>
 *   <li>Locally originated routes are never programmed (krt.c krt_import_control: the kernel protocol exports other
 *       protocols' routes; the static blackholes above are this node's).</li>
 * </ul>
 *
 * Deviations from Calico, on purpose: when tunl0 does not exist, a tunnelled route is not installed and is reported
 * (BIRD would install it without the tunnel, bypassing IP-in-IP); a next hop on no connected network is reported, not
 * resolved recursively through other routes ({@code gateway recursive}); a multipath route's next hops each get the
 * tunnel decision (BIRD applies {@code krt_tunnel} to single-path routes only); VXLAN pools' routes and blackholes are
 * rejected even when this node has no IPv4 subnet (the template then skips the pool section, but vxlan-manager owns
 * those); of nested pools (which Calico's client refuses) the most specific decides (confd: the first by key).
 *
 * @param routes   the routes to install, by destination; protocol {@link RouteProtocol#BGP}
 * @param problems next hops that cannot be installed now (no tunl0, no interface reaches the next hop, a bad next hop):
 *                 skipped, the rest is installed
 * @param filtered prefixes the kernel filter or a preferred route keeps out, as Calico does: not problems
 */
public record KernelRoutePlan(List<Route> routes, List<RouteProblem> problems, List<FilteredRoute> filtered) {
    public static final String TUNNEL_DEVICE = "tunl0";
    public static final KernelRoutePlan EMPTY = new KernelRoutePlan(List.of(), List.of(), List.of());

    private static final Comparator<Cidr> BY_ADDRESS =
            Comparator.comparing(Cidr::address).thenComparingInt(Cidr::prefixLength);

    public KernelRoutePlan {
        routes = List.copyOf(routes);
        problems = List.copyOf(problems);
        filtered = List.copyOf(filtered);
    }

    /** A learned path that cannot be programmed now; {@code nextHop} may be null. */
    public record RouteProblem(Cidr prefix, IpAddress nextHop, String reason) {
        /** The path in iproute2's words: {@code 10.65.1.0/26 via 10.0.0.2}. */
        public String path() {
            return prefix + (nextHop == null ? "" : " via " + nextHop);
        }
    }

    /** A prefix Calico keeps out of the kernel, and which rule does. */
    public record FilteredRoute(Cidr prefix, String reason) {
    }

    /** How the kernel filter treats a prefix. */
    private enum Verdict { REJECT, DIRECT, TUNNEL, CROSS_SUBNET }

    private record Decision(Verdict verdict, String reason) {
        static final Decision DIRECT = new Decision(Verdict.DIRECT, null);
    }

    public static KernelRoutePlan compute(KernelWants wants, HostFacts host) {
        List<Route> routes = new ArrayList<>();
        List<RouteProblem> problems = new ArrayList<>();
        List<FilteredRoute> filtered = new ArrayList<>();
        Set<Cidr> blackholed = blackholes(wants, routes, filtered);

        Set<Cidr> connected = new HashSet<>();
        host.connected().forEach(c -> connected.add(c.network()));
        for (var entry : learnedByPrefix(wants).entrySet()) {
            Cidr prefix = entry.getKey();
            if (blackholed.contains(prefix)) {
                filtered.add(new FilteredRoute(prefix, "this node's block: its blackhole (BIRD static, preference 200)"
                        + " wins over BGP (100), bird_aggr.cfg.template line 13"));
                continue;
            }
            if (connected.contains(prefix)) {
                filtered.add(new FilteredRoute(prefix, "a network of this host's interfaces: the connected route (BIRD"
                        + " direct, preference 240) wins over BGP (100), and device routes are not exported"));
                continue;
            }
            Decision d = decide(prefix, wants);
            if (d.verdict() == Verdict.REJECT) {
                filtered.add(new FilteredRoute(prefix, d.reason()));
                continue;
            }
            Route r = route(prefix, entry.getValue(), d, wants, host, problems);
            if (r != null) {
                routes.add(r);
            }
        }
        routes.sort(Comparator.comparing(Route::destination, BY_ADDRESS));
        problems.sort(Comparator.comparing(RouteProblem::prefix, BY_ADDRESS));
        filtered.sort(Comparator.comparing(FilteredRoute::prefix, BY_ADDRESS));
        return new KernelRoutePlan(routes, problems, filtered);
    }

    /** bird_aggr.cfg.template lines 6-16 (and bird6_aggr's): the blackholes, through the kernel filter. */
    private static Set<Cidr> blackholes(KernelWants wants, List<Route> routes, List<FilteredRoute> filtered) {
        TreeSet<Cidr> blocks = new TreeSet<>(BY_ADDRESS);
        blocks.addAll(wants.affineBlocks());
        Set<Cidr> out = new HashSet<>();
        for (Cidr block : blocks) {
            if (block.prefixLength() == block.address().bitLength()) {
                continue; // line 12: a /32 (/128) block gets no blackhole; its one address is a workload's route
            }
            Decision d = decide(block, wants);
            if (d.verdict() == Verdict.REJECT) {
                filtered.add(new FilteredRoute(block, d.reason()));
                continue;
            }
            routes.add(Route.blackhole(block, RouteProtocol.BGP));
            out.add(block);
        }
        return out;
    }

    /** Learned paths grouped by prefix, in address order; each prefix's next hops in order, without repeats. */
    private static Map<Cidr, Set<IpAddress>> learnedByPrefix(KernelWants wants) {
        // Hashed, not sorted: this runs on every apply over every route; the results are sorted once at the end.
        Map<Cidr, Set<IpAddress>> out = new LinkedHashMap<>(wants.bestRoutes().size() * 2);
        for (BestRoute r : wants.bestRoutes()) {
            if (r.origin() == BestRoute.Origin.PEER) {
                out.computeIfAbsent(r.prefix(), p -> new LinkedHashSet<>(2)).add(r.nextHop());
            }
        }
        return out;
    }

    /** {@code calico_kernel_programming}: bird_ipam.cfg.template lines 25-60, bird6_ipam.cfg.template lines 24-37. */
    private static Decision decide(Cidr prefix, KernelWants wants) {
        for (Cidr service : wants.serviceCidrs()) {
            if (service.covers(prefix)) {
                return new Decision(Verdict.REJECT, "inside service CIDR " + service + " (BGPConfiguration): service"
                        + " routes are never programmed, bird_ipam.cfg.template lines 26-36");
            }
        }
        if (!prefix.isV4()) {
            return Decision.DIRECT; // bird6_ipam.cfg.template line 36: IPv6 pools change nothing
        }
        PoolFacts pool = wants.pools().stream().filter(p -> p.holds(prefix))
                .max(Comparator.comparingInt(p -> p.cidr().prefixLength())).orElse(null);
        if (pool == null) {
            return Decision.DIRECT; // line 59: not in any pool
        }
        if (pool.vxlanMode().enabled()) {
            return new Decision(Verdict.REJECT, "in VXLAN pool " + pool.cidr() + ": vxlan-manager routes it,"
                    + " bird_ipam.cfg.template lines 40-42");
        }
        return switch (pool.ipipMode()) {
            case ALWAYS -> new Decision(Verdict.TUNNEL, null); // lines 50-52
            case CROSS_SUBNET -> new Decision(Verdict.CROSS_SUBNET, null); // lines 44-49
            case NEVER -> Decision.DIRECT; // lines 53-55: krt_tunnel = "" (the pool's ipip is empty)
        };
    }

    /** The route for one accepted prefix, from its next hops that can be installed; null when none can. */
    private static Route route(Cidr prefix, Set<IpAddress> nextHops, Decision d, KernelWants wants, HostFacts host,
            List<RouteProblem> problems) {
        List<Route.NextHop> hops = new ArrayList<>();
        for (IpAddress nh : nextHops) {
            if (nh == null) {
                problems.add(new RouteProblem(prefix, null, "learned with no next hop"));
                continue;
            }
            if (nh.isV4() != prefix.isV4()) {
                problems.add(new RouteProblem(prefix, nh, "the next hop is IPv" + nh.version() + " but the prefix is"
                        + " IPv" + prefix.version() + "; Tabby programs same-family next hops only"));
                continue;
            }
            if (tunnelled(nh, d, wants)) {
                if (host.tunl0Index() == 0) {
                    problems.add(new RouteProblem(prefix, nh, TUNNEL_DEVICE + " does not exist, so this IP-in-IP"
                            + " route cannot be installed; ipip-manager creates " + TUNNEL_DEVICE + " (or set the"
                            + " pool's ipipMode to Never)"));
                    continue;
                }
                hops.add(new Route.NextHop(nh, host.tunl0Index(), 1, true));
            } else {
                int link = host.linkFor(nh);
                if (link == 0) {
                    problems.add(new RouteProblem(prefix, nh, "no interface of this host has a network holding the"
                            + " next hop " + nh + "; Tabby does not resolve next hops through other routes (BIRD's"
                            + " gateway recursive): peer with a router on a connected network, or use IP-in-IP"));
                    continue;
                }
                hops.add(new Route.NextHop(nh, link, 1, false));
            }
        }
        if (hops.isEmpty()) {
            return null;
        }
        if (hops.size() == 1) {
            Route.NextHop h = hops.get(0);
            return Route.via(prefix, h.gateway(), h.linkIndex(), RouteProtocol.BGP).withOnlink(h.onlink());
        }
        // merge paths on (bird.cfg.template, protocol kernel): one multipath route, next hops in address order.
        hops.sort(Comparator.comparing(Route.NextHop::gateway));
        return new Route(prefix, null, 0, null, Route.MAIN_TABLE, RouteProtocol.BGP, Scope.UNIVERSE,
                RouteType.UNICAST, 0, false, hops);
    }

    /** krt_tunnel = "tunl0": IP-in-IP Always, or CrossSubnet with the next hop outside this node's IPv4 subnet. */
    private static boolean tunnelled(IpAddress nextHop, Decision d, KernelWants wants) {
        if (d.verdict() == Verdict.TUNNEL) {
            return true;
        }
        if (d.verdict() != Verdict.CROSS_SUBNET) {
            return false;
        }
        // line 45: bgp_next_hop ~ network_v4; with no IPv4 subnet nothing is "on subnet", so the tunnel is used.
        return wants.nodeSubnets().stream().filter(Cidr::isV4).noneMatch(s -> s.contains(nextHop));
    }
}
