package dev.tabby.vxlan.plan;

import dev.tabby.ipam.routes.NodeRoute;
import dev.tabby.ipam.routes.PoolRoutes;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.netlink.MacAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * What vxlan.calico, its FDB and ARP entries and the routes via it must be on one node: a pure function of the
 * datastore (pools, nodes, FelixConfiguration, IPAM blocks) and the host's interfaces, after Felix's VXLAN resolver,
 * L3 route resolver and vxlan_mgr.go.
 *
 * <ul>
 *   <li>Nothing is wanted when FelixConfiguration {@code vxlanEnabled} is false (this node's, else the default), as
 *       Felix's int_dataplane.go removes vxlan.calico then (cleanUpVXLANDevice); nor unless some IPv4 pool has
 *       {@code vxlanMode} Always or CrossSubnet.</li>
 *   <li>A remote node is a VTEP when it has {@code spec.bgp.ipv4Address} (the underlay address) and
 *       {@code spec.ipv4VXLANTunnelAddr}; its MAC is {@link VtepMac#of}. Every VTEP gets an ARP entry and an FDB
 *       entry, CrossSubnet or not, as in Felix.</li>
 *   <li>Each block affine to a remote node and inside a VXLAN pool gets a route via that node's tunnel address,
 *       onlink, on vxlan.calico. When the pool is CrossSubnet and this node's subnet (the prefix of its
 *       {@code bgp.ipv4Address}) holds the remote node's address, the route goes directly via the remote node's
 *       underlay address on the parent interface instead (Felix's "no-encap" route; it needs no VTEP).</li>
 *   <li>Every address allocated in a block for a node other than the block's own (a borrowed address; in a block
 *       with no affinity, every address) gets a /32 to the node that holds it, routed as that node's blocks are
 *       (Felix's L3 route resolver, {@code v4RoutesFromBlock}, through {@link BlockRoutes}). No /32 when that node is
 *       this one (the CNI's route to the workload serves it), nor when the address is some node's
 *       {@code ipv4VXLANTunnelAddr}: Felix types such a route REMOTE_TUNNEL (or LOCAL_TUNNEL), which its vxlan_mgr.go
 *       does not program.</li>
 *   <li>Each block affine to this node and inside a VXLAN pool gets a blackhole route, so its unallocated addresses
 *       never leak to the default route. Beyond Felix v3.18 on purpose: there BIRD installs them (confd's
 *       bird.cfg.template, static protocol) even in VXLAN mode, and Tabby runs no BIRD, so the overlay that routes the
 *       pool owns them.</li>
 * </ul>
 *
 * @param state     whether anything is to be programmed, and if not, why
 * @param reason    the state in an operator's words
 * @param device    the device wanted ({@link State#ACTIVE} only)
 * @param vteps     the remote VTEPs, by node name
 * @param routes    the routes, by destination
 * @param blackholes this node's blocks in VXLAN pools, by address
 * @param problems  datastore contents that were skipped, each naming the node and what is wrong
 */
public record VxlanPlan(State state, String reason, DeviceSpec device, List<Vtep> vteps, List<PlannedRoute> routes,
                        List<Cidr> blackholes, List<String> problems) {

    public enum State {
        /** FelixConfiguration vxlanEnabled is false: vxlan.calico and everything of ours must go. */
        DISABLED,
        /** No pool uses VXLAN: vxlan.calico and everything via it must go. */
        INACTIVE,
        /** This node's own Node lacks what the device needs (typically its tunnel address, not yet assigned). */
        WAITING_FOR_NODE,
        /** No interface holds this node's address, so there is no parent for the device. */
        WAITING_FOR_INTERFACE,
        ACTIVE;

        /** Whether the state lets the service call itself ready (given a successful apply): not waiting for anything. */
        public boolean settled() {
            return this == ACTIVE || this == INACTIVE || this == DISABLED;
        }
    }

    public VxlanPlan {
        vteps = List.copyOf(vteps);
        routes = List.copyOf(routes);
        blackholes = List.copyOf(blackholes);
        problems = List.copyOf(problems);
    }

    private static VxlanPlan idle(State state, String reason) {
        return new VxlanPlan(state, reason, null, List.of(), List.of(), List.of(), List.of());
    }

    public static VxlanPlan compute(VxlanInputs in) {
        if (in.felix().disabled()) {
            return idle(State.DISABLED, "FelixConfiguration vxlanEnabled is false (node." + in.thisNode()
                    + " or default); set it to true, or remove it, to bring VXLAN back");
        }
        List<IPPool> vxlanPools = in.pools().stream().filter(VxlanPlan::usesVxlan)
                .sorted(Comparator.comparing(IPPool::name)).toList();
        if (vxlanPools.isEmpty()) {
            return idle(State.INACTIVE, "no IPv4 IP pool has vxlanMode Always or CrossSubnet");
        }

        String me = in.thisNode();
        NodeFacts local = in.nodes().get(me);
        if (local == null) {
            return idle(State.WAITING_FOR_NODE, "there is no Node resource named " + me
                    + "; register the node (tabbyctl node register) so it has an address and a tunnel address");
        }
        if (local.underlay() == null) {
            return idle(State.WAITING_FOR_NODE, "Node " + me + " has no usable spec.bgp.ipv4Address (e.g. 10.0.0.5/24):"
                    + " VXLAN needs the node's address as the tunnel's source");
        }
        if (local.tunnelAddress() == null) {
            return idle(State.WAITING_FOR_NODE, "Node " + me + " has no spec.ipv4VXLANTunnelAddr yet; it is assigned"
                    + " from a VXLAN pool by this service's tunnel address allocator");
        }
        if (local.mac() == null) {
            return idle(State.WAITING_FOR_NODE, "Node " + me + ": spec.vxlanTunnelMACAddr: " + local.macProblem());
        }
        IpAddress localUnderlay = local.underlayAddress();
        HostLink parent = in.hostLinks().stream().filter(l -> l.ipv4Addresses().contains(localUnderlay))
                .filter(l -> !l.name().equals(DeviceSpec.NAME)).findFirst().orElse(null);
        if (parent == null) {
            return idle(State.WAITING_FOR_INTERFACE, "no interface holds this node's address " + localUnderlay
                    + " (Node " + me + " spec.bgp.ipv4Address), so vxlan.calico has no parent to send through");
        }
        FelixSettings felix = in.felix();
        DeviceSpec device = new DeviceSpec(felix.vxlanVni(), felix.vxlanPort(), local.tunnelAddress(), local.mac(),
                parent.name(), parent.index(), localUnderlay, felix.deviceMtu(in.hostLinks()));

        List<String> problems = new ArrayList<>();
        Map<String, Vtep> vtepByNode = remoteVteps(in, device, problems);
        List<Cidr> blackholes = new ArrayList<>();
        List<PlannedRoute> routes = routes(in, vxlanPools, local.underlay(), parent, vtepByNode, blackholes, problems);
        return new VxlanPlan(State.ACTIVE, vxlanPools.size() + " VXLAN pool(s), " + vtepByNode.size()
                + " remote VTEP(s), " + routes.size() + " route(s), " + blackholes.size() + " blackhole(s)", device,
                List.copyOf(vtepByNode.values()), routes, blackholes, problems);
    }

    /** An IPv4 pool with vxlanMode Always or CrossSubnet. */
    public static boolean usesVxlan(IPPool pool) {
        return pool.spec() != null && isEncapMode(pool.spec().vxlanMode()) && PoolRoutes.poolCidr(pool).map(Cidr::isV4).orElse(false);
    }

    private static boolean isEncapMode(String mode) {
        return "Always".equals(mode) || "CrossSubnet".equals(mode);
    }

    /**
     * Every other node that is a complete VTEP. Tunnel addresses and MACs must be unique (they key the ARP and FDB
     * entries): of two nodes claiming one, the first by name keeps it and the other is reported and skipped.
     */
    private static Map<String, Vtep> remoteVteps(VxlanInputs in, DeviceSpec device, List<String> problems) {
        // Filled in name order, so insertion order is name order.
        Map<String, Vtep> out = new LinkedHashMap<>();
        Map<IpAddress, String> tunnelOwner = new HashMap<>();
        Map<MacAddress, String> macOwner = new HashMap<>();
        tunnelOwner.put(device.tunnelAddress(), in.thisNode());
        macOwner.put(device.mac(), in.thisNode());
        for (NodeFacts node : byName(in.nodes())) {
            String name = node.name();
            if (name.equals(in.thisNode()) || node.tunnelAddress() == null || node.underlay() == null) {
                continue; // not (yet) a VTEP: Felix waits for both, and so do we, quietly
            }
            if (node.mac() == null) {
                problems.add("Node " + name + ": spec.vxlanTunnelMACAddr: " + node.macProblem() + "; its VTEP is skipped");
                continue;
            }
            IpAddress tunnel = node.tunnelAddress();
            MacAddress mac = node.mac();
            String other = tunnelOwner.putIfAbsent(tunnel, name);
            if (other != null) {
                problems.add("Node " + name + ": spec.ipv4VXLANTunnelAddr " + tunnel + " is node " + other
                        + "'s too; its VTEP is skipped until one of them changes");
                continue;
            }
            other = macOwner.putIfAbsent(mac, name);
            if (other != null) {
                tunnelOwner.remove(tunnel);
                problems.add("Node " + name + ": tunnel MAC " + mac + " is node " + other
                        + "'s too; its VTEP is skipped until one of them sets another spec.vxlanTunnelMACAddr");
                continue;
            }
            out.put(name, new Vtep(name, tunnel, mac, node.underlayAddress()));
        }
        return out;
    }

    /**
     * The nodes in name order. The manager keeps them in a map sorted by name already (sorting 5,000 nodes on every
     * datastore change was a fifth of a plan); any other map is sorted here.
     */
    private static Collection<NodeFacts> byName(Map<String, NodeFacts> nodes) {
        if (nodes instanceof SortedMap<String, NodeFacts> sorted && sorted.comparator() == null) {
            return sorted.values(); // keyed by node name, in String order: the order of the sort below
        }
        List<NodeFacts> list = new ArrayList<>(nodes.values());
        list.sort(Comparator.comparing(NodeFacts::name));
        return list;
    }

    /**
     * The routes to other nodes' blocks and borrowed addresses, and (into {@code blackholes}) this node's blocks:
     * {@link PoolRoutes}, the calculation ipip-manager shares, with Felix's REMOTE_TUNNEL rule for VXLAN tunnel
     * addresses.
     */
    private static List<PlannedRoute> routes(VxlanInputs in, List<IPPool> vxlanPools, Cidr localSubnet, HostLink parent,
            Map<String, Vtep> vteps, List<Cidr> blackholes, List<String> problems) {
        Set<IpAddress> tunnelAddresses = new HashSet<>();
        for (NodeFacts n : in.nodes().values()) {
            if (n.tunnelAddress() != null) {
                tunnelAddresses.add(n.tunnelAddress());
            }
        }
        PoolRoutes walked = PoolRoutes.compute(in.thisNode(), vxlanPools, in.blocks().values(), tunnelAddresses);
        problems.addAll(walked.problems());
        blackholes.addAll(walked.ownBlocks());
        List<PlannedRoute> out = new ArrayList<>(walked.routes().size());
        for (PoolRoutes.PoolRoute r : walked.routes()) {
            boolean crossSubnet = "CrossSubnet".equals(r.pool().spec().vxlanMode());
            PlannedRoute planned = route(in, r.route(), crossSubnet, localSubnet, parent, vteps);
            if (planned != null) {
                out.add(planned);
            }
        }
        return out;
    }

    /** The route to {@code r}'s node, direct in CrossSubnet's same subnet, else via its VTEP; null while there is none. */
    private static PlannedRoute route(VxlanInputs in, NodeRoute r, boolean crossSubnet, Cidr localSubnet,
            HostLink parent, Map<String, Vtep> vteps) {
        if (crossSubnet) {
            // Only here is the Node itself needed (its subnet): a lookup by name in 5,000 sorted names per route was a
            // quarter of a plan in Always mode, where a VTEP implies its Node.
            NodeFacts remote = in.nodes().get(r.node());
            if (remote == null) {
                return null;
            }
            if (remote.underlay() != null && localSubnet.contains(remote.underlayAddress())) {
                return new PlannedRoute(r.destination(), r.node(), remote.underlayAddress(), parent.name(), false);
            }
        }
        Vtep vtep = vteps.get(r.node());
        if (vtep == null) {
            return null; // the route waits for the node's VTEP, as in Felix
        }
        return new PlannedRoute(r.destination(), r.node(), vtep.tunnelAddress(), DeviceSpec.NAME, true);
    }
}
