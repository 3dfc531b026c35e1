package dev.tabby.vxlan.manager;

import dev.tabby.dataplane.fdb.FdbTable;
import dev.tabby.dataplane.neigh.NeighTable;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.vxlan.plan.PlannedRoute;
import dev.tabby.vxlan.plan.Vtep;
import dev.tabby.vxlan.plan.VxlanPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Hands an active plan's FDB entries, ARP entries, routes and blackholes to the drivers as their desired state. After
 * the first plan only what changed since the plan handed over last is told (a node change at 5,000 nodes is a few
 * entries, not 15,000 set again); everything is handed over again, so the drivers compare it all, after
 * {@link #handOverAllNext} (the periodic resync, a recreated device, a teardown) and whenever the device or its parent
 * changed (every route names one of them). Both ways leave the drivers wanting the same: {@code DriverFeedTest}
 * compares them over random sequences of plans.
 */
final class DriverFeed {
    /** PoolRoutes' order (address, then prefix length), written out: walked thousands of times on every apply. */
    static final Comparator<Cidr> BY_ADDRESS = (a, b) -> {
        int c = a.address().compareTo(b.address());
        return c != 0 ? c : Integer.compare(a.prefixLength(), b.prefixLength());
    };
    static final Function<PlannedRoute, Cidr> DESTINATION = PlannedRoute::destination;
    static final Function<Vtep, String> NODE = Vtep::node;

    private final FdbTable fdb;
    private final NeighTable arp;
    private final RouteTable routes;
    // What the drivers were last told, and for which device and parent: the base of the next difference.
    private VxlanPlan handedOver;
    private int deviceIndex;
    private int parentIndex;
    private boolean allNext = true;

    DriverFeed(FdbTable fdb, NeighTable arp, RouteTable routes) {
        this.fdb = fdb;
        this.arp = arp;
        this.routes = routes;
    }

    /** The next {@link #handOver} gives the drivers everything, so that they compare all of it. */
    void handOverAllNext() {
        allNext = true;
    }

    /** The drivers want nothing of a plan any more (VXLAN torn down): their desired state was emptied elsewhere. */
    void forget() {
        handedOver = null;
        allNext = true;
    }

    /** Makes the drivers want what {@code plan} (active) asks for, with vxlan.calico at {@code deviceIndex}. */
    void handOver(VxlanPlan plan, int deviceIndex) {
        int parent = plan.device().parentIndex();
        if (allNext || handedOver == null || deviceIndex != this.deviceIndex || parent != this.parentIndex) {
            all(plan, deviceIndex, parent);
        } else {
            changes(handedOver, plan, deviceIndex, parent);
        }
        handedOver = plan;
        this.deviceIndex = deviceIndex;
        this.parentIndex = parent;
        allNext = false;
    }

    private void all(VxlanPlan plan, int device, int parent) {
        Map<MacAddress, IpAddress> fdbWanted = new HashMap<>();
        Map<IpAddress, MacAddress> arpWanted = new HashMap<>();
        for (Vtep v : plan.vteps()) {
            fdbWanted.put(v.mac(), v.underlayAddress());
            arpWanted.put(v.tunnelAddress(), v.mac());
        }
        List<Route> routesWanted = new ArrayList<>(plan.routes().size() + plan.blackholes().size());
        for (PlannedRoute r : plan.routes()) {
            routesWanted.add(route(r, device, parent));
        }
        for (Cidr own : plan.blackholes()) {
            routesWanted.add(Route.blackhole(own, RouteProtocol.VXLAN));
        }
        fdb.replaceAllEntries(fdbWanted);
        arp.replaceAllNeighbours(arpWanted);
        routes.replaceAllRoutes(routesWanted);
    }

    /**
     * Removals first, then additions: within one plan no MAC, tunnel address or destination is wanted twice, but
     * between two plans one may move (a MAC from one node to another, a block from a remote route to a blackhole), and
     * a removal told after the addition would drop what is now wanted.
     */
    private void changes(VxlanPlan before, VxlanPlan now, int device, int parent) {
        List<Vtep> vtepsSet = new ArrayList<>();
        SortedDiff.walk(before.vteps(), now.vteps(), NODE, Comparator.naturalOrder(), new SortedDiff.Visitor<>() {
            @Override
            public void removed(Vtep old) {
                fdb.removeEntry(old.mac());
                arp.removeNeighbour(old.tunnelAddress());
            }

            @Override
            public void changed(Vtep old, Vtep fresh) {
                if (old != null) {
                    removed(old);
                }
                vtepsSet.add(fresh);
            }
        });
        List<Route> routesSet = new ArrayList<>();
        SortedDiff.walk(before.routes(), now.routes(), DESTINATION, BY_ADDRESS, new SortedDiff.Visitor<>() {
            @Override
            public void removed(PlannedRoute old) {
                routes.removeRoute(old.destination());
            }

            @Override
            public void changed(PlannedRoute old, PlannedRoute fresh) {
                routesSet.add(route(fresh, device, parent)); // same destination: set replaces it
            }
        });
        SortedDiff.walk(before.blackholes(), now.blackholes(), Function.identity(), BY_ADDRESS, new SortedDiff.Visitor<>() {
            @Override
            public void removed(Cidr old) {
                routes.removeRoute(old);
            }

            @Override
            public void changed(Cidr old, Cidr fresh) {
                routesSet.add(Route.blackhole(fresh, RouteProtocol.VXLAN));
            }
        });
        for (Vtep v : vtepsSet) {
            fdb.setEntry(v.mac(), v.underlayAddress());
            arp.setNeighbour(v.tunnelAddress(), v.mac());
        }
        routesSet.forEach(routes::setRoute);
    }

    /** Onlink via the VTEP's tunnel address on vxlan.calico, or (CrossSubnet, same subnet) direct on the parent. */
    static Route route(PlannedRoute r, int device, int parent) {
        return r.encapsulated()
                ? Route.via(r.destination(), r.gateway(), device, RouteProtocol.VXLAN).withOnlink(true)
                : Route.via(r.destination(), r.gateway(), parent, RouteProtocol.VXLAN);
    }
}
