package dev.tabby.dataplane.route;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.ApplyTally;
import dev.tabby.dataplane.DeltaTracker;
import dev.tabby.dataplane.Driver;
import dev.tabby.dataplane.KernelErrors;
import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Converges the routes of one route protocol number in one routing table, one route per destination. A route is ours
 * when it carries our protocol number in our table; nothing else in the table is ever replaced or deleted, even at
 * the same destination. A new instance with no memory adopts our routes at its first apply (it starts with a resync
 * queued) and deletes those no longer desired.
 */
public final class RouteTable implements Driver {
    private static final Logger LOG = Logger.getLogger(RouteTable.class);

    private final RouteKernel kernel;
    private final int table;
    private final int protocol;
    private final IpFamilies families;
    private final String name;
    private final DeltaTracker<Cidr, Route> routes = new DeltaTracker<>();
    // Extra routes of ours at a destination the tracker already holds (a second metric): deleted on the next apply.
    private final List<Route> strays = new ArrayList<>();
    private boolean resyncQueued = true;

    public RouteTable(RouteKernel kernel, int table, int protocol, IpFamilies families) {
        this.kernel = kernel;
        this.table = table;
        this.protocol = protocol;
        this.families = families;
        this.name = "routes table " + table + " proto " + protocol;
    }

    @Override
    public String name() {
        return name;
    }

    /** Wants {@code route} in the kernel; its table and protocol are replaced by this driver's. */
    public void setRoute(Route route) {
        if (!families.includes(route.destination())) {
            throw new IllegalArgumentException(name + " owns " + families + " routes only; cannot hold " + route);
        }
        Route owned = CanonicalRoute.owned(route, table, protocol);
        routes.setDesired(owned.destination(), owned);
    }

    public void removeRoute(Cidr destination) {
        routes.deleteDesired(destination.network());
    }

    /** Makes {@code wanted} the whole desired set: routes not in it are removed on the next apply. */
    public void replaceAllRoutes(Collection<Route> wanted) {
        Map<Cidr, Route> byDestination = new HashMap<>();
        for (Route r : wanted) {
            if (!families.includes(r.destination())) {
                throw new IllegalArgumentException(name + " owns " + families + " routes only; cannot hold " + r);
            }
            Route owned = CanonicalRoute.owned(r, table, protocol);
            byDestination.put(owned.destination(), owned);
        }
        routes.replaceAllDesired(byDestination);
    }

    /** The desired routes, by destination (read-only), e.g. for a service's {@code /v1/} API. */
    public Map<Cidr, Route> desiredRoutes() {
        return routes.desiredView();
    }

    @Override
    public void queueResync() {
        resyncQueued = true;
    }

    @Override
    public int pendingCount() {
        return routes.pendingCount() + strays.size();
    }

    @Override
    public ApplyResult apply() {
        if (resyncQueued) {
            try {
                resync();
            } catch (NetlinkException e) {
                return ApplyResult.failed(name, "route dump", e.getMessage());
            }
        }
        ApplyTally tally = new ApplyTally(name);
        // Deletions first: they may free the destination-and-metric slot an update needs.
        for (Route stray : List.copyOf(strays)) {
            if (delete(stray, tally)) {
                strays.remove(stray);
            }
        }
        for (Map.Entry<Cidr, Route> gone : routes.pendingDeletions()) {
            if (delete(gone.getValue(), tally)) {
                routes.deleteActual(gone.getKey());
            }
        }
        for (Map.Entry<Cidr, Route> update : routes.pendingUpdates()) {
            program(update.getKey(), update.getValue(), tally);
        }
        return tally.result();
    }

    private void resync() {
        List<Route> dump = kernel.routeList(new RouteFilter(families.dumpFamily(), table, protocol, null, null));
        Map<Cidr, Route> ours = new HashMap<>();
        strays.clear();
        for (Route raw : dump) {
            // The filter is the kernel library's promise; ownership is ours to check.
            if (raw.table() != table || raw.protocol() != protocol || !families.includes(raw.destination())) {
                continue;
            }
            Route r = CanonicalRoute.of(raw);
            Route seen = ours.putIfAbsent(r.destination(), r);
            if (seen != null) {
                // Keep the one we want, if either is; the other is a stray.
                boolean wantThis = routes.desired(r.destination()).map(r::equals).orElse(false);
                if (wantThis) {
                    ours.put(r.destination(), r);
                    strays.add(seen);
                } else {
                    strays.add(r);
                }
            }
        }
        routes.replaceAllActual(ours);
        resyncQueued = false;
        LOG.debugf("%s: resync found %d routes of ours, %d strays, %d pending", name, ours.size(), strays.size(),
                routes.pendingCount());
    }

    /** Deletes one route of ours; true when it is gone (deleted now or already). */
    private boolean delete(Route route, ApplyTally tally) {
        try {
            kernel.routeDel(route);
            tally.wrote();
            return true;
        } catch (NetlinkException e) {
            if (KernelErrors.alreadyGone(e)) {
                return true;
            }
            tally.failed(route, e.getMessage());
            return false;
        }
    }

    private void program(Cidr destination, Route want, ApplyTally tally) {
        Optional<Route> have = routes.actual(destination);
        try {
            if (have.isPresent() && have.get().metric() == want.metric()) {
                // Our route holds the slot: replace it in place, with no gap in forwarding.
                kernel.routeReplace(want);
            } else {
                claimSlot(want);
                if (have.isPresent() && !delete(have.get(), tally)) {
                    // The old metric lingers; the next resync finds it as a stray and retries.
                    queueResync();
                }
            }
            tally.wrote();
            routes.setActual(destination, want);
        } catch (NetlinkException | SlotTakenException e) {
            tally.failed(want, e.getMessage());
        }
    }

    /**
     * Adds {@code want} without ever overwriting a route that is not ours: a plain replace would take over whatever
     * route holds the same destination and metric, whoever installed it.
     */
    private void claimSlot(Route want) {
        try {
            kernel.routeAdd(want);
        } catch (NetlinkException e) {
            if (!KernelErrors.exists(e)) {
                throw e;
            }
            Optional<Route> holder = holderOf(want);
            if (holder.isPresent() && holder.get().protocol() != protocol) {
                throw new SlotTakenException(want, holder.get());
            }
            // Ours (written since the last resync, or the resync has not run), or gone again: safe to overwrite.
            kernel.routeReplace(want);
        }
    }

    private Optional<Route> holderOf(Route want) {
        RouteFilter sameDestination = new RouteFilter(want.family(), table, null, null, want.destination());
        return kernel.routeList(sameDestination).stream()
                .filter(r -> r.table() == table)
                .map(CanonicalRoute::of)
                .filter(r -> r.destination().equals(want.destination()) && r.metric() == want.metric())
                .findFirst();
    }

    /** Another owner's route holds the destination and metric we want. */
    private static final class SlotTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SlotTakenException(Route want, Route holder) {
            super("the kernel already has " + holder + " at this destination and metric, installed by proto "
                    + holder.protocol() + "; Tabby does not replace routes it does not own. Remove that route, or give"
                    + " one of them another metric", null, false, false);
        }
    }
}
