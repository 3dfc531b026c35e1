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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Converges the routes of one route protocol number in one routing table, one route per destination. A route is ours
 * when it carries our protocol number in our table, or, once {@link #ownAllRoutesOnLink} names a device, when that
 * device is its output device, whatever its protocol; nothing else in the table is ever replaced or deleted, even at
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
    // Every route whose output device is this ifindex is ours too, whatever its protocol (0: none).
    private int ownedLink;
    // Another service's protocol whose route at a destination we want may be replaced by ours (never deleted).
    private int adoptedProtocol;

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

    /**
     * Also owns every route in this table whose output device is {@code linkIndex}, whatever protocol installed it
     * (0: none; only our protocol's routes are ours). Felix does the same for the devices it owns
     * (routetable/route_table.go with removeExternalRoutes, which int_dataplane.go sets for {@code ^vxlan.calico$}):
     * such a route at a destination we want is replaced by ours, one we do not want is deleted, so a host migrated from
     * Calico (whose routes carry proto 3, boot) converges. Routes on other devices keep their owners. Set it again
     * whenever the device is recreated (its ifindex changes); a change queues a resync.
     */
    public void ownAllRoutesOnLink(int linkIndex) {
        if (linkIndex != ownedLink) {
            ownedLink = linkIndex;
            resyncQueued = true;
        }
    }

    /**
     * Lets a route of {@code otherProtocol} at a destination we want be replaced by ours (0: none). Only replaced, in
     * place: a route of that protocol that we do not want is never deleted, and none is read as ours. For a handover
     * between two services that program the same destinations (bgp-speaker and ipip-manager, datastore's
     * {@code RouteClaims}): the new owner replaces the old owner's routes one by one, so no destination is ever
     * without a route.
     */
    public void adoptRoutesOf(int otherProtocol) {
        adoptedProtocol = otherProtocol;
    }

    /** Whether a route the kernel reported is ours to keep, replace or delete. */
    private boolean ours(Route r) {
        return r.table() == table && families.includes(r.destination())
                && (r.protocol() == protocol || (ownedLink != 0 && r.linkIndex() == ownedLink));
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
        List<Route> strayRoutes = List.copyOf(strays);
        List<Map.Entry<Cidr, Route>> deletions = routes.pendingDeletions();
        List<Update> updates = new ArrayList<>();
        for (Map.Entry<Cidr, Route> u : routes.pendingUpdates()) {
            updates.add(new Update(u.getKey(), u.getValue(), routes.actual(u.getKey())));
        }
        if (strayRoutes.isEmpty() && deletions.isEmpty() && updates.isEmpty()) {
            return tally.result();
        }
        // One batch, deletions first: they may free the destination-and-metric slot an update needs, and the kernel
        // makes a batch's changes in the order given.
        List<RouteKernel.Change> changes = new ArrayList<>();
        strayRoutes.forEach(r -> changes.add(RouteKernel.Change.del(r)));
        deletions.forEach(deletion -> changes.add(RouteKernel.Change.del(deletion.getValue())));
        for (Update u : updates) {
            // Our route holds the slot: replace it in place, with no gap in forwarding. Else claim the slot with an
            // add, which never overwrites a route that is not ours, as a plain replace would.
            changes.add(u.inPlace() ? RouteKernel.Change.replace(u.want()) : RouteKernel.Change.add(u.want()));
        }
        Iterator<Optional<NetlinkException>> outcomes = kernel.routeBatch(changes).iterator();

        for (Route stray : strayRoutes) {
            if (gone(stray, outcomes.next(), tally)) {
                strays.remove(stray);
            }
        }
        for (Map.Entry<Cidr, Route> deletion : deletions) {
            if (gone(deletion.getValue(), outcomes.next(), tally)) {
                routes.deleteActual(deletion.getKey());
            }
        }
        // A route that moved to another metric: the old one goes once the new one is in, so forwarding never stops.
        List<Update> moved = new ArrayList<>();
        for (Update u : updates) {
            if (!programmed(u, outcomes.next(), tally)) {
                continue;
            }
            if (u.have().isPresent() && !u.inPlace()) {
                moved.add(u);
            } else {
                tally.wrote();
                routes.setActual(u.destination(), u.want());
            }
        }
        if (!moved.isEmpty()) {
            List<RouteKernel.Change> oldMetrics = moved.stream().map(u -> RouteKernel.Change.del(u.have().get())).toList();
            Iterator<Optional<NetlinkException>> deleted = kernel.routeBatch(oldMetrics).iterator();
            for (Update u : moved) {
                if (!gone(u.have().get(), deleted.next(), tally)) {
                    // The old metric lingers; the next resync finds it as a stray and retries.
                    queueResync();
                }
                tally.wrote();
                routes.setActual(u.destination(), u.want());
            }
        }
        return tally.result();
    }

    /** A desired route the kernel lacks, and what of ours holds its destination now. */
    private record Update(Cidr destination, Route want, Optional<Route> have) {
        boolean inPlace() {
            return have.isPresent() && have.get().metric() == want.metric();
        }
    }

    private void resync() {
        // Owning a device means reading the whole table: its routes may carry any protocol.
        Integer dumpProtocol = ownedLink == 0 ? protocol : null;
        List<Route> dump = kernel.routeList(new RouteFilter(families.dumpFamily(), table, dumpProtocol, null, null));
        Map<Cidr, Route> ours = new HashMap<>();
        strays.clear();
        for (Route raw : dump) {
            // The filter is the kernel library's promise; ownership is ours to check.
            if (!ours(raw)) {
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

    /** Whether a deleted route of ours is gone (deleted now, or already); a refusal that leaves it there is tallied. */
    private boolean gone(Route route, Optional<NetlinkException> refused, ApplyTally tally) {
        if (refused.isEmpty()) {
            tally.wrote();
            return true;
        }
        if (KernelErrors.alreadyGone(refused.get())) {
            return true;
        }
        tally.failed(route, refused.get().getMessage());
        return false;
    }

    /** Whether the update's batched write, with any follow-up it needs, put {@code want} in its slot; failures are tallied. */
    private boolean programmed(Update u, Optional<NetlinkException> refused, ApplyTally tally) {
        try {
            if (refused.isPresent()) {
                if (u.inPlace() || !KernelErrors.exists(refused.get())) {
                    throw refused.get();
                }
                takeOverSlot(u.want());
            }
            return true;
        } catch (NetlinkException | SlotTakenException e) {
            tally.failed(u.want(), e.getMessage());
            return false;
        }
    }

    /**
     * After an add found the slot taken (EEXIST): overwrites it only if the holder is ours (our protocol, or on the
     * device we own), written since the last resync or before it ran, or is gone again. Someone else's route is never
     * replaced.
     */
    private void takeOverSlot(Route want) {
        Optional<Route> holder = holderOf(want);
        if (holder.isPresent() && !ours(holder.get())
                && (adoptedProtocol == 0 || holder.get().protocol() != adoptedProtocol)) {
            throw new SlotTakenException(want, holder.get());
        }
        kernel.routeReplace(want);
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
