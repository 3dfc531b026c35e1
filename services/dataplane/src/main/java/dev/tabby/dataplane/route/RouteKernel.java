package dev.tabby.dataplane.route;

import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import java.util.List;

/** The part of {@link Netlink} that {@link RouteTable} uses; tests give it an in-memory kernel. */
public interface RouteKernel {
    List<Route> routeList(RouteFilter filter);

    /** Creates, failing with EEXIST when a route already holds the destination and metric. */
    void routeAdd(Route route);

    /** Creates or overwrites the route at the destination and metric, whoever installed it. */
    void routeReplace(Route route);

    void routeDel(Route route);

    static RouteKernel of(Netlink netlink) {
        return new RouteKernel() {
            @Override
            public List<Route> routeList(RouteFilter filter) {
                return netlink.routeList(filter);
            }

            @Override
            public void routeAdd(Route route) {
                netlink.routeAdd(route);
            }

            @Override
            public void routeReplace(Route route) {
                netlink.routeReplace(route);
            }

            @Override
            public void routeDel(Route route) {
                netlink.routeDel(route);
            }
        };
    }
}
