package dev.tabby.vxlan.manager;

import dev.tabby.events.Announced;
import dev.tabby.events.EventSink;
import dev.tabby.model.net.Cidr;
import dev.tabby.vxlan.plan.DeviceSpec;
import dev.tabby.vxlan.plan.PlannedRoute;
import dev.tabby.vxlan.plan.Vtep;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an apply of the VXLAN manager did, as events (issue 15): routes and VTEPs added and removed once the kernel
 * holds them, vxlan.calico made again, and drift repaired (kernel writes that no change of the plan explains: the
 * kernel was changed behind our back). Called on the apply thread after the drivers wrote, never per packet.
 */
final class VxlanEvents {
    private final EventSink sink;
    private final Announced<Map<String, Object>> routes;
    private final Announced<Vtep> vteps;

    VxlanEvents(EventSink sink) {
        this.sink = sink;
        this.routes = new Announced<>(sink, "route.added", "route.removed", r -> r);
        this.vteps = new Announced<>(sink, "vtep.added", "vtep.removed", VxlanEvents::vtepData);
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
            Map<String, Vtep> byNode = new HashMap<>();
            wantedVteps.forEach(v -> byNode.put(v.node(), v));
            vtepChanges = vteps.report(byNode);
        }
        if (routesOk) {
            routeChanges = routes.report(routeData(wantedRoutes, blackholes));
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
            routes.report(Map.of());
            vteps.report(Map.of());
        }
    }

    private static Map<String, Map<String, Object>> routeData(List<PlannedRoute> wanted, List<Cidr> blackholes) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (PlannedRoute r : wanted) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("destination", r.destination().toString());
            d.put("type", r.encapsulated() ? "vxlan" : "direct");
            d.put("gateway", r.gateway().toString());
            d.put("device", r.device());
            d.put("node", r.node());
            out.put(r.destination().toString(), d);
        }
        for (Cidr b : blackholes) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("destination", b.toString());
            d.put("type", "blackhole");
            out.put(b.toString(), d);
        }
        return out;
    }

    private static Map<String, ?> vtepData(Vtep v) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", v.node());
        d.put("tunnelAddress", v.tunnelAddress().toString());
        d.put("mac", v.mac().toString());
        d.put("underlayAddress", v.underlayAddress().toString());
        return d;
    }
}
