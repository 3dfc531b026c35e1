package dev.tabby.ipip.plan;

import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.ipam.routes.PoolRoutes;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What tunl0 and the IP-in-IP routes must be on one node: a pure function of the datastore (pools, nodes,
 * FelixConfiguration, IPAM blocks, bgp-speaker's route claim) and the host's interfaces.
 *
 * <ul>
 *   <li>Nothing is wanted when FelixConfiguration {@code ipipEnabled} is false (this node's, else the default), nor
 *       unless some IPv4 pool has {@code ipipMode} Always or CrossSubnet: tunl0 is then left down with no address and
 *       every route of ours goes (Felix v3.18 starts its ipip_mgr.go only when IP-in-IP is enabled).</li>
 *   <li>tunl0 (Felix's ipip_mgr.go configureIPIPDevice): this node's {@code spec.bgp.ipv4IPIPTunnelAddr} as its only
 *       address (/32), MTU {@code ipipMTU} or the host MTU minus 20, up.</li>
 *   <li>Routes, while no bgp-speaker holds this node's claim: each block affine to a remote node in an IP-in-IP pool,
 *       and each address borrowed from such a block for a remote node, {@code via <node address> dev tunl0 onlink},
 *       as BIRD programs them in Calico (confd bird_ipam.cfg.template {@code calico_kernel_programming}:
 *       {@code krt_tunnel = "tunl0"} for ipipMode Always, and for CrossSubnet unless the next hop is in this node's
 *       subnet, where the route goes directly via the node's address). The walk is {@link PoolRoutes}, the same as
 *       vxlan-manager's; a /32 that is a node's IP-in-IP tunnel address gets no route (Felix's REMOTE_TUNNEL).</li>
 *   <li>Blackholes: one per block affine to this node in an IP-in-IP pool, except a /32 block, as BIRD's static
 *       protocol installs them (confd bird_aggr.cfg.template).</li>
 *   <li>The workload MTU (Felix's determinePodMTU): the smaller of tunl0's and, while VXLAN is in use, vxlan.calico's.</li>
 * </ul>
 *
 * @param state      whether anything is to be programmed, and if not, why
 * @param reason     the state in an operator's words
 * @param device     tunl0 as wanted ({@link State#ACTIVE} only)
 * @param owner      who programs the routes now
 * @param routes     the routes to program, by destination (empty unless {@link RouteOwner#IPIP_MANAGER})
 * @param blackholes this node's blocks, likewise
 * @param podMtu     the workload MTU to publish (0 unless active)
 * @param problems   datastore contents that were skipped, each naming what is wrong
 */
public record IpipPlan(State state, String reason, TunnelSpec device, RouteOwner owner, List<IpipRoute> routes,
                       List<Cidr> blackholes, int podMtu, List<String> problems) {

    public enum State {
        /** FelixConfiguration ipipEnabled is false: tunl0 down, no address, none of our routes. */
        DISABLED,
        /** No pool uses IP-in-IP: likewise. */
        INACTIVE,
        /** This node's Node lacks what tunl0 needs (typically its tunnel address, not yet assigned). */
        WAITING_FOR_NODE,
        ACTIVE;

        /** Whether the state lets the service call itself ready (given a successful apply): not waiting for anything. */
        public boolean settled() {
            return this != WAITING_FOR_NODE;
        }
    }

    public IpipPlan {
        routes = List.copyOf(routes);
        blackholes = List.copyOf(blackholes);
        problems = List.copyOf(problems);
    }

    private static IpipPlan idle(State state, String reason) {
        return new IpipPlan(state, reason, null, RouteOwner.IPIP_MANAGER, List.of(), List.of(), 0, List.of());
    }

    public static IpipPlan compute(IpipInputs in) {
        if (in.settings().disabled()) {
            return idle(State.DISABLED, "FelixConfiguration ipipEnabled is false (node." + in.thisNode()
                    + " or default); set it to true, or remove it, to bring IP-in-IP back");
        }
        List<IPPool> ipipPools = in.pools().stream().filter(IpipPlan::usesIpip)
                .sorted(Comparator.comparing(IPPool::name)).toList();
        if (ipipPools.isEmpty()) {
            return idle(State.INACTIVE, "no IPv4 IP pool has ipipMode Always or CrossSubnet");
        }
        String me = in.thisNode();
        IpipNode local = in.nodes().get(me);
        if (local == null) {
            return idle(State.WAITING_FOR_NODE, "there is no Node resource named " + me
                    + "; register the node (tabbyctl node register) so it has an address and a tunnel address");
        }
        if (local.tunnelAddress() == null) {
            return idle(State.WAITING_FOR_NODE, "Node " + me + " has no spec.bgp.ipv4IPIPTunnelAddr yet; it is"
                    + " assigned from an IP-in-IP pool by this service's tunnel address allocator");
        }
        TunnelSpec device = new TunnelSpec(local.tunnelAddress(), in.settings().deviceMtu(in.hostLinks()));
        int podMtu = in.settings().podMtu(in.hostLinks(), in.pools().stream().anyMatch(IpipPlan::usesVxlan));
        RouteOwner owner = owner(in.claim());
        if (owner != RouteOwner.IPIP_MANAGER) {
            String why = owner == RouteOwner.HANDING_OVER
                    ? "bgp-speaker claimed this node's routes and is taking them over; ours stay until it has written them"
                    : "bgp-speaker programs this node's routes (it holds " + RouteClaims.of(me) + ")";
            return new IpipPlan(State.ACTIVE, ipipPools.size() + " IP-in-IP pool(s); " + why, device, owner,
                    List.of(), List.of(), podMtu, List.of());
        }

        Set<IpAddress> tunnelAddresses = new HashSet<>();
        for (IpipNode n : in.nodes().values()) {
            if (n.tunnelAddress() != null) {
                tunnelAddresses.add(n.tunnelAddress());
            }
        }
        PoolRoutes walked = PoolRoutes.compute(me, ipipPools, in.blocks().values(), tunnelAddresses);
        List<String> problems = new ArrayList<>(walked.problems());
        HostLink parent = local.underlay() == null ? null : in.hostLinks().stream()
                .filter(l -> l.ipv4Addresses().contains(local.underlayAddress()))
                .filter(l -> !l.name().equals(TunnelSpec.NAME)).findFirst().orElse(null);
        List<IpipRoute> routes = new ArrayList<>(walked.routes().size());
        for (PoolRoutes.PoolRoute r : walked.routes()) {
            IpipNode remote = in.nodes().get(r.node());
            if (remote == null || remote.underlay() == null) {
                continue; // no address to send to yet: BIRD would have no next hop either
            }
            boolean crossSubnet = "CrossSubnet".equals(r.pool().spec().ipipMode());
            if (crossSubnet && local.underlay() != null && local.underlay().contains(remote.underlayAddress())) {
                if (parent == null) {
                    problems.add("no interface holds this node's address " + local.underlayAddress() + ", so the"
                            + " direct (CrossSubnet) route to " + r.destination() + " on node " + r.node() + " waits");
                    continue;
                }
                routes.add(new IpipRoute(r.destination(), r.node(), remote.underlayAddress(), parent.name(), false,
                        parent.index()));
            } else {
                routes.add(new IpipRoute(r.destination(), r.node(), remote.underlayAddress(), TunnelSpec.NAME, true, 0));
            }
        }
        // bird_aggr.cfg.template: no blackhole for a /32 block, whose one address is a workload's route.
        List<Cidr> blackholes = walked.ownBlocks().stream().filter(b -> b.prefixLength() < 32).toList();
        return new IpipPlan(State.ACTIVE, ipipPools.size() + " IP-in-IP pool(s), " + routes.size() + " route(s), "
                + blackholes.size() + " blackhole(s)", device, owner, routes, blackholes, podMtu, problems);
    }

    private static RouteOwner owner(String claim) {
        if (claim == null) {
            return RouteOwner.IPIP_MANAGER;
        }
        return RouteClaims.kernelState(claim).filter(RouteClaims.PROGRAMMING::equals).isPresent()
                ? RouteOwner.BGP_SPEAKER : RouteOwner.HANDING_OVER;
    }

    /** An IPv4 pool with ipipMode Always or CrossSubnet. */
    public static boolean usesIpip(IPPool pool) {
        return pool.spec() != null && isEncapMode(pool.spec().ipipMode()) && isV4(pool);
    }

    private static boolean usesVxlan(IPPool pool) {
        return pool.spec() != null && isEncapMode(pool.spec().vxlanMode()) && isV4(pool);
    }

    private static boolean isEncapMode(String mode) {
        return "Always".equals(mode) || "CrossSubnet".equals(mode);
    }

    private static boolean isV4(IPPool pool) {
        return PoolRoutes.poolCidr(pool).map(Cidr::isV4).orElse(false);
    }
}
