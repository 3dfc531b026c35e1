package dev.tabby.vxlan.manager;

import dev.tabby.events.Announced;
import dev.tabby.events.EventSink;
import dev.tabby.model.net.Cidr;
import dev.tabby.vxlan.plan.DeviceSpec;
import dev.tabby.vxlan.plan.PlannedRoute;
import dev.tabby.vxlan.plan.Vtep;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an apply of the VXLAN manager did, as events (issue 15): routes and VTEPs added and removed once the kernel
 * holds them, vxlan.calico made again, and drift repaired (kernel writes that no change of the plan explains: the
 * kernel was changed behind our back). Called on the apply thread after the drivers wrote, never per packet.
 */
final class VxlanEvents {
    private final EventSink sink;
    // What was last reported as in place; each plan lists its entries in key order, so the next report is a walk of
    // both lists (SortedDiff) rather than a map of every route's fields built on every apply.
    private List<Vtep> reportedVteps = List.of();
    private List<PlannedRoute> reportedRoutes = List.of();
    private List<Cidr> reportedBlackholes = List.of();

    VxlanEvents(EventSink sink) {
        this.sink = sink;
    }

    /** The device was deleted and made again: its entries and routes went with it and are being written again. */
    void deviceRecreated(String why) {
        sink.emit("device.recreated", DeviceSpec.NAME, Map.of("device", DeviceSpec.NAME, "reason", why));
    }

    /**
     * After the FDB, ARP and route drivers wrote: reports the VTEPs when the FDB and ARP entries are all in, the
     * routes when they all are (a failed apply is retried; its events come with the apply that succeeds), and drift
     * repaired when a resync preceded this apply and the drivers wrote more than the plan's changes need.
     *
     * @param neighboursOk  the FDB and ARP drivers wrote everything
     * @param neighbourWrites their kernel writes
     * @param routesOk      the route driver wrote everything
     * @param routeWrites   its kernel writes
     * @param deviceRepairs writes to vxlan.calico that its unchanged spec does not explain (its MTU, MAC, address
     *                      or state changed by someone)
     * @param resynced      the drivers re-read the kernel for this apply
     */
    void applied(List<Vtep> wantedVteps, List<PlannedRoute> wantedRoutes, List<Cidr> blackholes, boolean neighboursOk,
                 int neighbourWrites, boolean routesOk, int routeWrites, int deviceRepairs, boolean resynced) {
        if (sink == EventSink.NONE) {
            return;
        }
        int vtepChanges = 0;
        int routeChanges = 0;
        if (neighboursOk) {
            vtepChanges = reportVteps(wantedVteps);
        }
        if (routesOk) {
            routeChanges = reportRoutes(wantedRoutes, blackholes);
        }
        if (!resynced) {
            return;
        }
        // A new or gone VTEP is an FDB and an ARP write; a route added, replaced or deleted is one write.
        int neighbourRepairs = neighboursOk ? Math.max(0, neighbourWrites - 2 * vtepChanges) : 0;
        int routeRepairs = routesOk ? Math.max(0, routeWrites - routeChanges) : 0;
        if (neighbourRepairs + routeRepairs + deviceRepairs > 0) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("device", DeviceSpec.NAME);
            data.put("routes", routeRepairs);
            data.put("neighbours", neighbourRepairs);
            data.put("deviceSettings", deviceRepairs);
            sink.emit("drift.repaired", DeviceSpec.NAME, data);
        }
    }

    /** VXLAN torn down (disabled, no pool): every route and VTEP of ours is gone with the device. */
    void tornDown(boolean routesOk) {
        if (sink != EventSink.NONE && routesOk) {
            reportRoutes(List.of(), List.of());
            reportVteps(List.of());
        }
    }

    /**
     * As {@link Announced#report}: {@code vtep.added} (with {@code replaced} when the node's VTEP changed) and
     * {@code vtep.removed}, at most {@link Announced#LIMIT} of each one by one and the rest counted in one event.
     */
    private int reportVteps(List<Vtep> now) {
        Tally added = new Tally("vtep.added");
        Tally removed = new Tally("vtep.removed");
        SortedDiff.walk(reportedVteps, now, DriverFeed.NODE, Comparator.naturalOrder(), new SortedDiff.Visitor<>() {
            @Override
            public void removed(Vtep old) {
                removed.emit(old.node(), () -> vtepData(old));
            }

            @Override
            public void changed(Vtep old, Vtep fresh) {
                added.emit(fresh.node(), () -> replaced(vtepData(fresh), old != null));
            }
        });
        reportedVteps = now;
        return added.finish() + removed.finish();
    }

    /**
     * {@code route.added} and {@code route.removed} for routes and blackholes, keyed by destination: a destination
     * that turned from a route into a blackhole (or back) is one {@code route.added} with {@code replaced}, as when
     * both were one map. Only the changed destinations are turned into strings, and only the events sent one by one
     * get their data (a first apply at 5,000 nodes adds 5,000 routes and sends {@link Announced#LIMIT}).
     */
    private int reportRoutes(List<PlannedRoute> routes, List<Cidr> blackholes) {
        Map<String, Supplier<Map<String, Object>>> gone = new LinkedHashMap<>();
        Map<String, Supplier<Map<String, Object>>> fresh = new LinkedHashMap<>();
        Set<String> replaced = new HashSet<>();
        SortedDiff.walk(reportedRoutes, routes, DriverFeed.DESTINATION, DriverFeed.BY_ADDRESS, new SortedDiff.Visitor<>() {
            @Override
            public void removed(PlannedRoute old) {
                gone.put(old.destination().toString(), () -> routeData(old));
            }

            @Override
            public void changed(PlannedRoute old, PlannedRoute now) {
                String key = now.destination().toString();
                fresh.put(key, () -> routeData(now));
                if (old != null) {
                    replaced.add(key);
                }
            }
        });
        SortedDiff.walk(reportedBlackholes, blackholes, Function.identity(), DriverFeed.BY_ADDRESS, new SortedDiff.Visitor<>() {
            @Override
            public void removed(Cidr old) {
                gone.put(old.toString(), () -> blackholeData(old));
            }

            @Override
            public void changed(Cidr old, Cidr now) {
                fresh.put(now.toString(), () -> blackholeData(now)); // a blackhole has no fields to change: always new
            }
        });
        Tally added = new Tally("route.added");
        Tally removed = new Tally("route.removed");
        fresh.forEach((key, data) -> {
            boolean wasThere = replaced.contains(key) || gone.remove(key) != null;
            added.emit(key, () -> replaced(data.get(), wasThere));
        });
        gone.forEach(removed::emit);
        reportedRoutes = routes;
        reportedBlackholes = blackholes;
        return added.finish() + removed.finish();
    }

    private static Map<String, Object> replaced(Map<String, Object> data, boolean replaced) {
        if (replaced) {
            data.put("replaced", true);
        }
        return data;
    }

    /** One kind's events of one report: the first {@link Announced#LIMIT} one by one, the rest counted in one. */
    private final class Tally {
        private final String type;
        private int count;

        Tally(String type) {
            this.type = type;
        }

        void emit(String subject, Supplier<Map<String, Object>> data) {
            if (count++ < Announced.LIMIT) {
                sink.emit(type, subject, data.get());
            }
        }

        int finish() {
            if (count > Announced.LIMIT) {
                sink.emit(type, null, Map.of("omitted", count - Announced.LIMIT));
            }
            return count;
        }
    }

    private static Map<String, Object> routeData(PlannedRoute r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("destination", r.destination().toString());
        d.put("type", r.encapsulated() ? "vxlan" : "direct");
        d.put("gateway", r.gateway().toString());
        d.put("device", r.device());
        d.put("node", r.node());
        return d;
    }

    private static Map<String, Object> blackholeData(Cidr b) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("destination", b.toString());
        d.put("type", "blackhole");
        return d;
    }

    private static Map<String, Object> vtepData(Vtep v) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", v.node());
        d.put("tunnelAddress", v.tunnelAddress().toString());
        d.put("mac", v.mac().toString());
        d.put("underlayAddress", v.underlayAddress().toString());
        return d;
    }
}
