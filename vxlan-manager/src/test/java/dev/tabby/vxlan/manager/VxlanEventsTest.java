package dev.tabby.vxlan.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tabby.events.Announced;
import dev.tabby.events.EventSink;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.vxlan.plan.PlannedRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Route events of an apply: the first {@link Announced#LIMIT} one by one with their data, the rest counted in one
 * event; a destination that changed, or turned from a route into a blackhole, is one route.added with replaced.
 */
class VxlanEventsTest {
    record Event(String what, String subject, Map<String, ?> data) {
    }

    private final List<Event> sent = new ArrayList<>();
    private final EventSink sink = (what, subject, data) -> sent.add(new Event(what, subject, data));

    private static PlannedRoute route(int block, String gateway) {
        Cidr dest = Cidr.parse("10.65." + block / 4 + "." + block % 4 * 64 + "/26");
        return new PlannedRoute(dest, "node" + block, IpAddress.parse(gateway), "vxlan.calico", true);
    }

    private static List<PlannedRoute> routes(int n) {
        List<PlannedRoute> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(route(i, "10.66.0." + (i % 250 + 1)));
        }
        return out;
    }

    private List<Event> of(String what) {
        return sent.stream().filter(e -> e.what().equals(what)).toList();
    }

    @Test
    void aLargeFirstApplySendsTheLimitOneByOneAndCountsTheRest() {
        VxlanEvents events = new VxlanEvents(sink);
        Cidr blackhole = Cidr.parse("10.64.0.0/26");
        events.applied(List.of(), routes(300), List.of(blackhole), true, 0, true, 301, 0, false);
        List<Event> added = of("route.added");
        assertEquals(Announced.LIMIT + 1, added.size());
        Event first = added.stream().filter(e -> "10.65.0.0/26".equals(e.subject())).findFirst().orElseThrow();
        assertEquals(Map.of("destination", "10.65.0.0/26", "type", "vxlan", "gateway", "10.66.0.1",
                "device", "vxlan.calico", "node", "node0"), first.data());
        Event counted = added.get(added.size() - 1);
        assertNull(counted.subject());
        assertEquals(Map.of("omitted", 301 - Announced.LIMIT), counted.data());
        assertFalse(added.stream().anyMatch(e -> e.data().containsKey("replaced")), "nothing was there before");
    }

    @Test
    void changedAndTurnedDestinationsAreReplacedAndGoneOnesRemoved() {
        VxlanEvents events = new VxlanEvents(sink);
        List<PlannedRoute> before = routes(3);
        events.applied(List.of(), before, List.of(), true, 0, true, 3, 0, false);
        sent.clear();
        // node1's route moves to another gateway; node2's block becomes a blackhole; node0's route stays.
        PlannedRoute moved = route(1, "10.66.9.9");
        Cidr turned = before.get(2).destination();
        events.applied(List.of(), List.of(before.get(0), moved), List.of(turned), true, 0, true, 2, 0, false);
        assertEquals(List.of(
                new Event("route.added", "10.65.0.64/26", Map.of("destination", "10.65.0.64/26", "type", "vxlan",
                        "gateway", "10.66.9.9", "device", "vxlan.calico", "node", "node1", "replaced", true)),
                new Event("route.added", "10.65.0.128/26", Map.of("destination", "10.65.0.128/26", "type", "blackhole",
                        "replaced", true))), sent);
        sent.clear();
        events.applied(List.of(), List.of(moved), List.of(), true, 0, true, 2, 0, false);
        assertEquals(List.of("10.65.0.0/26", "10.65.0.128/26"), of("route.removed").stream().map(Event::subject).toList());
        assertEquals("blackhole", of("route.removed").get(1).data().get("type"));
    }
}
