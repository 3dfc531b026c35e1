package dev.tabby.testbed.routers;

import dev.tabby.model.net.IpAddress;
import java.util.List;

/**
 * A route a router learned from a BGP peer, as its CLI shows it: the prefix (canonical CIDR), the next hop it would
 * forward to (the global address when a peer sent a global and a link-local one), and the AS path, nearest AS first.
 */
public record LearnedRoute(String prefix, String nextHop, List<Long> asPath) {
    public LearnedRoute {
        prefix = Prefixes.canonical(prefix);
        nextHop = IpAddress.parse(nextHop).toString();
        asPath = List.copyOf(asPath);
    }
}
