package dev.tabby.ipam.routes;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an overlay must route on one node for the IPv4 pools it serves, shared by vxlan-manager and ipip-manager so
 * both give the same answer for the same blocks (Felix v3.18's L3 route resolver feeds both its vxlan_mgr.go and,
 * through BIRD, IP-in-IP): the routes to other nodes' blocks and borrowed addresses, this node's own blocks (for
 * blackholes) and what in IPAM could not be routed.
 *
 * <ul>
 *   <li>A block belongs to the most specific of the given pools holding it; blocks of no given pool are skipped
 *       (another overlay, or BGP, routes them).</li>
 *   <li>Each block's routes are {@link BlockRoutes#of}: a /32 per borrowed address to the node holding it, and the
 *       block to its affine node. A route to this node is dropped (the CNI's route to the workload serves it), and
 *       so is a /32 that is one of {@code tunnelAddresses}: Felix types it REMOTE_TUNNEL / LOCAL_TUNNEL, which the
 *       overlays do not program.</li>
 *   <li>Blocks are visited in address order, so when two claim one /32 (corrupt IPAM data) the same one wins on every
 *       node.</li>
 * </ul>
 *
 * @param routes     the routes to other nodes, by destination in address order, each with its pool
 * @param ownBlocks  the blocks affine to this node, in address order
 * @param problems   allocations that have no route, each naming the block, the address and the remedy
 */
public record PoolRoutes(List<PoolRoute> routes, List<Cidr> ownBlocks, List<String> problems) {
    private static final Comparator<Cidr> BY_ADDRESS =
            Comparator.comparing(Cidr::address).thenComparingInt(Cidr::prefixLength);

    public PoolRoutes {
        routes = List.copyOf(routes);
        ownBlocks = List.copyOf(ownBlocks);
        problems = List.copyOf(problems);
    }

    /** A destination, the node serving it, and the pool it is routed for (whose encapsulation mode decides how). */
    public record PoolRoute(NodeRoute route, IPPool pool) {
        public Cidr destination() {
            return route.destination();
        }

        public String node() {
            return route.node();
        }
    }

    /**
     * @param thisNode         the node routing
     * @param pools            the pools this overlay serves (IPv4 ones; others never match an IPv4 block)
     * @param blocks           every IPAM block as routing reads it
     * @param tunnelAddresses  every node's tunnel address of this overlay's kind
     */
    public static PoolRoutes compute(String thisNode, Collection<IPPool> pools, Collection<RoutableBlock> blocks,
            Set<IpAddress> tunnelAddresses) {
        List<Map.Entry<Cidr, IPPool>> byCidr = new ArrayList<>();
        for (IPPool p : pools) {
            poolCidr(p).ifPresent(c -> byCidr.add(Map.entry(c, p)));
        }
        // Most specific pool first, should pools nest (Calico's client refuses that; old data may still have it).
        byCidr.sort(Comparator.comparingInt((Map.Entry<Cidr, IPPool> e) -> e.getKey().prefixLength()).reversed()
                .thenComparing(e -> e.getValue().name()));

        TreeMap<Cidr, RoutableBlock> sorted = new TreeMap<>(BY_ADDRESS);
        for (RoutableBlock b : blocks) {
            if (b.cidr().isV4()) {
                sorted.put(b.cidr(), b);
            }
        }
        TreeMap<Cidr, PoolRoute> byDestination = new TreeMap<>(BY_ADDRESS);
        TreeSet<Cidr> own = new TreeSet<>(BY_ADDRESS);
        List<String> problems = new ArrayList<>();
        for (RoutableBlock block : sorted.values()) {
            IPPool pool = poolHolding(byCidr, block.cidr());
            if (pool == null) {
                continue;
            }
            for (IpAddress lost : block.unrecorded()) {
                problems.add("block " + block.cidr() + ": " + lost + " was allocated with no node recorded in IPAM,"
                        + " so it has no route (Felix skips it too); release it and allocate it again with a node");
            }
            if (thisNode.equals(block.host())) {
                own.add(block.cidr());
            }
            for (NodeRoute r : BlockRoutes.of(block)) {
                if (r.node().equals(thisNode) || byDestination.containsKey(r.destination())) {
                    continue;
                }
                if (r.isHostRoute() && tunnelAddresses.contains(r.destination().address())) {
                    continue;
                }
                byDestination.put(r.destination(), new PoolRoute(r, pool));
            }
        }
        return new PoolRoutes(List.copyOf(byDestination.values()), List.copyOf(own), problems);
    }

    /** The pool's CIDR as a network, or empty when it does not parse (the model refuses such pools on write). */
    public static Optional<Cidr> poolCidr(IPPool pool) {
        try {
            return Optional.of(Cidr.parse(pool.spec().cidr()).network());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static IPPool poolHolding(List<Map.Entry<Cidr, IPPool>> pools, Cidr block) {
        for (Map.Entry<Cidr, IPPool> e : pools) {
            if (e.getKey().covers(block)) {
                return e.getValue();
            }
        }
        return null;
    }
}
