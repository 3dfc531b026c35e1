package dev.tabby.dataplane.route;

import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteType;
import dev.tabby.netlink.Scope;
import java.util.List;

/**
 * A route as the kernel reports it back after we wrote it, so that desired and dumped routes compare with
 * {@code equals} and an unchanged table needs no writes on resync.
 */
final class CanonicalRoute {
    /** IPv6 routes added with metric 0 are stored (and dumped) with the kernel's default, 1024. */
    static final int IPV6_DEFAULT_METRIC = 1024;

    private CanonicalRoute() {
    }

    static Route of(Route r) {
        boolean v6 = !r.destination().isV4();
        // IPv6 has no route scopes: the kernel always reports universe.
        int scope = v6 ? Scope.UNIVERSE : r.scope();
        int metric = v6 && r.metric() == 0 ? IPV6_DEFAULT_METRIC : r.metric();
        // IPv6 blackholes and other non-forwarding types come back bound to lo; they have no device of ours.
        boolean forwards = r.type() == RouteType.UNICAST;
        int linkIndex = forwards ? r.linkIndex() : 0;
        List<Route.NextHop> hops = r.nextHops().stream()
                .map(h -> new Route.NextHop(h.gateway(), h.linkIndex(), Math.max(1, h.weight()), h.onlink()))
                .toList();
        return new Route(r.destination().network(), forwards ? r.gateway() : null, linkIndex, r.source(), r.table(),
                r.protocol(), scope, r.type(), metric, r.onlink(), hops);
    }

    /** The route moved into the owner's table and marked with its protocol, whatever the caller put there. */
    static Route owned(Route r, int table, int protocol) {
        return of(new Route(r.destination(), r.gateway(), r.linkIndex(), r.source(), table, protocol, r.scope(),
                r.type(), r.metric(), r.onlink(), r.nextHops()));
    }
}
