package dev.tabby.bgp.speaker;

import java.util.List;

/**
 * One route as {@code GET /v1/routes} shows it: a candidate in the Loc-RIB (best or not) or a locally originated
 * route (peer null).
 *
 * @param prefix      "10.0.0.0/26"
 * @param nextHop     the next hop address, "" for a local route
 * @param asPath      the AS path as BIRD prints it ("64512 65001 {65002 65003}")
 * @param communities "65000:100" and large "65000:1:2" in the order received
 * @param best        the decision chose this route
 * @param peer        the address of the peer it came from, null when originated here
 */
public record RouteView(String prefix, String nextHop, String asPath, List<String> communities, boolean best,
        String peer) {
    public RouteView {
        communities = List.copyOf(communities);
    }
}
