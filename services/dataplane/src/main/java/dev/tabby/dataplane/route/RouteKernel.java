package dev.tabby.dataplane.route;

import dev.tabby.dataplane.KernelBatch;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkBatch;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import java.util.List;
import java.util.Optional;

/** The part of {@link Netlink} that {@link RouteTable} uses; tests give it an in-memory kernel. */
public interface RouteKernel {
    /** One change for {@link #routeBatch}: the single call of that name, on {@code route}. */
    record Change(Op op, Route route) {
        public enum Op { ADD, REPLACE, DEL }

        public static Change add(Route route) {
            return new Change(Op.ADD, route);
        }

        public static Change replace(Route route) {
            return new Change(Op.REPLACE, route);
        }

        public static Change del(Route route) {
            return new Change(Op.DEL, route);
        }
    }

    List<Route> routeList(RouteFilter filter);

    /** Creates, failing with EEXIST when a route already holds the destination and metric. */
    void routeAdd(Route route);

    /** Creates or overwrites the route at the destination and metric, whoever installed it. */
    void routeReplace(Route route);

    void routeDel(Route route);

    /**
     * Makes the changes in order and returns, in the same order, what each single call would have thrown (empty when
     * done). Netlink sends them pipelined; this default makes the single calls.
     */
    default List<Optional<NetlinkException>> routeBatch(List<Change> changes) {
        return KernelBatch.oneAtATime(changes, c -> {
            switch (c.op()) {
                case ADD -> routeAdd(c.route());
                case REPLACE -> routeReplace(c.route());
                case DEL -> routeDel(c.route());
            }
        });
    }

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

            @Override
            public List<Optional<NetlinkException>> routeBatch(List<Change> changes) {
                NetlinkBatch batch = netlink.batch();
                for (Change c : changes) {
                    switch (c.op()) {
                        case ADD -> batch.routeAdd(c.route());
                        case REPLACE -> batch.routeReplace(c.route());
                        case DEL -> batch.routeDel(c.route());
                    }
                }
                return batch.execute();
            }
        };
    }
}
