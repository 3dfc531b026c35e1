package dev.tabby.dataplane.testing;

import dev.tabby.dataplane.route.RouteKernel;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.Scope;
import dev.tabby.netlink.raw.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An in-memory routing table with the kernel's rules that matter to drivers: one route per table, destination and
 * metric; add refuses a taken slot with EEXIST; replace takes the slot whoever holds it; delete matches the protocol
 * and answers ESRCH when nothing matches; IPv6 stores metric 0 as 1024 and scope universe.
 */
public final class FakeRouteKernel implements RouteKernel {
    private static final int ESRCH = 3;

    private final List<Route> routes = new ArrayList<>();
    private final Faults<Route> faults = new Faults<>();
    private int writes;
    private int dumps;
    private int batches;
    private int failNextDumpWith;

    /** Puts a route in the kernel as someone else (or a previous run) would, bypassing faults and counters. */
    public void install(Route route) {
        Route r = stored(route);
        routes.removeIf(x -> sameSlot(x, r));
        routes.add(r);
    }

    /** Deletes a route as an operator would by hand. */
    public void removeByHand(Predicate<Route> which) {
        routes.removeIf(which);
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public void failWrites(Predicate<Route> which, int errno) {
        faults.add(which, errno);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** The next dump fails with {@code errno}, as a dump interrupted by ENOBUFS would. */
    public void failNextDump(int errno) {
        failNextDumpWith = errno;
    }

    /** Successful adds, replaces and deletes so far. */
    public int writes() {
        return writes;
    }

    public int dumps() {
        return dumps;
    }

    /** Calls of {@link #routeBatch} so far: a real kernel's round trips of writes. */
    public int batches() {
        return batches;
    }

    @Override
    public List<Optional<NetlinkException>> routeBatch(List<Change> changes) {
        batches++;
        return RouteKernel.super.routeBatch(changes);
    }

    @Override
    public List<Route> routeList(RouteFilter f) {
        dumps++;
        if (failNextDumpWith != 0) {
            int errno = failNextDumpWith;
            failNextDumpWith = 0;
            throw new NetlinkException(errno, "routeList", "route dump", null);
        }
        return routes.stream()
                .filter(r -> f.family() == null || r.family() == f.family())
                .filter(r -> f.table() == null || r.table() == f.table())
                .filter(r -> f.protocol() == null || r.protocol() == f.protocol())
                .filter(r -> f.linkIndex() == null || r.linkIndex() == f.linkIndex())
                .filter(r -> f.destination() == null || r.destination().equals(f.destination()))
                .toList();
    }

    @Override
    public void routeAdd(Route route) {
        faults.check("routeAdd", route);
        Route r = stored(route);
        if (routes.stream().anyMatch(x -> sameSlot(x, r))) {
            throw new NetlinkException(Errno.EEXIST, "routeAdd", "route " + route, null);
        }
        routes.add(r);
        writes++;
    }

    @Override
    public void routeReplace(Route route) {
        faults.check("routeReplace", route);
        Route r = stored(route);
        routes.removeIf(x -> sameSlot(x, r));
        routes.add(r);
        writes++;
    }

    @Override
    public void routeDel(Route route) {
        faults.check("routeDel", route);
        Route r = stored(route);
        boolean removed = routes.removeIf(x -> sameSlot(x, r) && x.protocol() == r.protocol());
        if (!removed) {
            throw new NetlinkException(ESRCH, "routeDel", "route " + route, null);
        }
        writes++;
    }

    private static boolean sameSlot(Route a, Route b) {
        return a.table() == b.table() && a.destination().equals(b.destination()) && a.metric() == b.metric();
    }

    private static Route stored(Route r) {
        if (r.destination().isV4()) {
            return r;
        }
        return new Route(r.destination(), r.gateway(), r.linkIndex(), r.source(), r.table(), r.protocol(),
                Scope.UNIVERSE, r.type(), r.metric() == 0 ? 1024 : r.metric(), r.onlink(), r.nextHops());
    }

    @Override
    public String toString() {
        return "FakeRouteKernel" + routes;
    }
}
