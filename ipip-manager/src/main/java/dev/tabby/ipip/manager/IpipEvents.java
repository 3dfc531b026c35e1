package dev.tabby.ipip.manager;

import dev.tabby.events.Announced;
import dev.tabby.events.EventSink;
import dev.tabby.ipip.plan.IpipRoute;
import dev.tabby.ipip.plan.TunnelSpec;
import dev.tabby.model.net.Cidr;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an apply of the IP-in-IP manager did, as events (issue 15): routes of ours (proto 82) added and removed once
 * the kernel holds them (or no longer does: handed over to bgp-speaker, IP-in-IP off), and drift repaired (writes
 * that no change of the plan explains: a route deleted by hand, tunl0 put down or its address changed). tunl0 is the
 * kernel's fallback device and cannot be deleted, so it is never recreated. Called on the apply thread.
 */
final class IpipEvents {
    private final EventSink sink;
    private final Announced<Map<String, Object>> routes;

    IpipEvents(EventSink sink) {
        this.sink = sink;
        this.routes = new Announced<>(sink, "route.added", "route.removed", r -> r);
    }

    /**
     * After the route driver wrote.
     *
     * @param routesOk      it wrote everything (a failed apply is retried; its events come with the one that succeeds)
     * @param deviceRepairs writes to tunl0 that its unchanged spec does not explain
     * @param resynced      the driver re-read the kernel for this apply
     */
    void applied(List<IpipRoute> wanted, List<Cidr> blackholes, boolean routesOk, int routeWrites, int deviceRepairs,
                 boolean resynced) {
        if (sink == EventSink.NONE) {
            return;
        }
        int routeChanges = routesOk ? routes.report(routeData(wanted, blackholes)) : 0;
        int routeRepairs = resynced && routesOk ? Math.max(0, routeWrites - routeChanges) : 0;
        if (routeRepairs + deviceRepairs > 0) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("device", TunnelSpec.NAME);
            data.put("routes", routeRepairs);
            data.put("deviceSettings", deviceRepairs);
            sink.emit("drift.repaired", TunnelSpec.NAME, data);
        }
    }

    private static Map<String, Map<String, Object>> routeData(List<IpipRoute> wanted, List<Cidr> blackholes) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (IpipRoute r : wanted) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("destination", r.destination().toString());
            d.put("type", r.encapsulated() ? "ipip" : "direct");
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
}
