package dev.tabby.ipam.routes;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
        List<PoolRange> byCidr = new ArrayList<>();
        for (IPPool p : pools) {
            poolCidr(p).ifPresent(c -> byCidr.add(PoolRange.of(c, p)));
        }
        // Most specific pool first, should pools nest (Calico's client refuses that; old data may still have it).
        byCidr.sort(Comparator.comparingInt((PoolRange r) -> r.cidr().prefixLength()).reversed()
                .thenComparing(r -> r.pool().name()));

        List<RoutableBlock> sorted = inAddressOrder(blocks);
        // Planned again on every datastore change (5,000 blocks at scale): hashed, not sorted, while walking; the
        // routes come out of the walk nearly in order (a block's /32s follow the block), which a final sort is quick on.
        Map<Cidr, PoolRoute> byDestination = new HashMap<>();
        List<PoolRoute> routes = new ArrayList<>();
        List<Cidr> own = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (RoutableBlock block : sorted) {
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
                PoolRoute route = new PoolRoute(r, pool);
                byDestination.put(r.destination(), route);
                routes.add(route);
            }
        }
        routes.sort(Comparator.comparing(PoolRoute::destination, BY_ADDRESS));
        return new PoolRoutes(routes, own, problems);
    }

    /** IPv4 blocks in address order: as given when the caller keeps them sorted (a map by address), else sorted. */
    private static List<RoutableBlock> inAddressOrder(Collection<RoutableBlock> blocks) {
        List<RoutableBlock> out = new ArrayList<>(blocks.size());
        boolean inOrder = true;
        for (RoutableBlock b : blocks) {
            if (b.cidr().isV4()) {
                if (inOrder && !out.isEmpty() && BY_ADDRESS.compare(out.get(out.size() - 1).cidr(), b.cidr()) >= 0) {
                    inOrder = false;
                }
                out.add(b);
            }
        }
        if (!inOrder) {
            // A CIDR given twice keeps its last block, as the map this replaced did.
            TreeMap<Cidr, RoutableBlock> sorted = new TreeMap<>(BY_ADDRESS);
            out.forEach(b -> sorted.put(b.cidr(), b));
            return new ArrayList<>(sorted.values());
        }
        return out;
    }

    /** The pool's CIDR as a network, or empty when it does not parse (the model refuses such pools on write). */
    public static Optional<Cidr> poolCidr(IPPool pool) {
        try {
            return Optional.of(Cidr.parse(pool.spec().cidr()).network());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static IPPool poolHolding(List<PoolRange> pools, Cidr block) {
        for (PoolRange r : pools) {
            if (r.covers(block)) {
                return r.pool();
            }
        }
        return null;
    }

    /**
     * A pool's CIDR with its first and last address, so that whether it holds a block is two comparisons: asked for
     * every block on every plan, {@link Cidr#covers} made two masked copies of addresses each time.
     */
    private record PoolRange(Cidr cidr, IpAddress first, IpAddress last, IPPool pool) {
        static PoolRange of(Cidr cidr, IPPool pool) {
            byte[] last = cidr.address().bytes();
            for (int bit = cidr.prefixLength(); bit < last.length * 8; bit++) {
                last[bit / 8] |= (byte) (0x80 >>> (bit % 8));
            }
            return new PoolRange(cidr, cidr.address(), IpAddress.of(last), pool);
        }

        /** As {@code cidr.covers(block)}: same family, at least as long a prefix, and its address in the range. */
        boolean covers(Cidr block) {
            return block.version() == cidr.version() && block.prefixLength() >= cidr.prefixLength()
                    && first.compareTo(block.address()) <= 0 && block.address().compareTo(last) <= 0;
        }
    }
}
