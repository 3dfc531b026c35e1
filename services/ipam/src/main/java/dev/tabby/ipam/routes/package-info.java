/**
 * The routes IPAM blocks imply, as Felix's L3 route resolver works them out (calc/l3_route_resolver.go,
 * {@code v4RoutesFromBlock}), for every service that routes to other nodes' workloads (vxlan-manager, ipip-manager,
 * bgp-speaker): a block affine to a node routes to that node, and every address allocated in it for another node
 * (a borrowed address) routes, as a /32, to the node that holds it. Pure: JSON in, routes out, no I/O.
 *
 * <p>{@link dev.tabby.ipam.routes.RoutableBlock#read} reads just what routing needs from a block's stored JSON with a
 * streaming parser (a thousand blocks must decode quickly); {@link dev.tabby.ipam.routes.BlockRoutes#of} turns it into
 * {@link dev.tabby.ipam.routes.NodeRoute}s.
 */
package dev.tabby.ipam.routes;
