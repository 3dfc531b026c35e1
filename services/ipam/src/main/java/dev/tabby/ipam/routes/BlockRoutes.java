package dev.tabby.ipam.routes;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes one IPv4 block implies, as Felix's {@code L3RouteResolver.v4RoutesFromBlock} (calc/l3_route_resolver.go,
 * release-v3.18) computes them: a /32 to the hosting node for every borrowed address, then the block itself to its
 * affine node when it has one. IPv6 blocks give nothing (Felix v3.18 resolves IPv4 routes only here).
 *
 * <p>What each service does with a route is its own business: a route to this node needs nothing of an overlay (the
 * CNI's route to the workload serves it), and Felix's dataplane also skips a /32 that is a node's tunnel address.
 */
public final class BlockRoutes {
    private BlockRoutes() {
    }

    /**
     * The block's routes. A borrowed address whose node was not recorded gets no route (Felix warns and skips it);
     * {@link RoutableBlock#unrecorded()} lists them for the caller to report.
     */
    public static List<NodeRoute> of(RoutableBlock block) {
        if (!block.cidr().isV4()) {
            return List.of();
        }
        List<NodeRoute> out = new ArrayList<>(block.borrowed().size() + 1);
        for (BorrowedAddress b : block.borrowed()) {
            if (!b.node().isEmpty()) {
                out.add(new NodeRoute(new dev.tabby.model.net.Cidr(b.address(), b.address().bitLength()), b.node()));
            }
        }
        if (block.host() != null) {
            out.add(new NodeRoute(block.cidr(), block.host()));
        }
        return out;
    }
}
