package dev.tabby.ipip.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.ipip.plan.IpipRoute;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which applies make which events. The kernel side (routes really programmed, a route deleted by hand and written
 * back) is the VM suite's (IpipVmSuiteTest): this machine's kernel has no ipip.
 */
class IpipEventsTest {
    private final EventHub hub = new EventHub(64);
    private final EventFactory factory = new EventFactory("n1", "ipip-manager");
    private final IpipEvents events = new IpipEvents((what, subject, data) -> hub.publish(factory.make(what, subject, data)));
    private static final IpipRoute REMOTE = new IpipRoute(Cidr.parse("10.66.1.0/26"), "n2", IpAddress.parse("10.0.0.2"),
            "tunl0", true, 0);
    private static final List<Cidr> OWN = List.of(Cidr.parse("10.66.0.0/26"));

    private List<String> seen() {
        try (EventHub.Subscription s = hub.subscribe(e -> true)) {
            return s.replay().stream().map(e -> e.type().substring("dev.tabby.ipip-manager.".length()) + " "
                    + e.subject() + " " + e.data()).toList();
        }
    }

    @Test
    void routesAreReportedOnceWhenInTheKernelAndDriftOnlyBeyondThePlansChanges() {
        events.applied(List.of(REMOTE), OWN, false, 0, 0, true);
        assertEquals(List.of(), seen(), "a failed apply reports nothing; the retry that succeeds does");
        events.applied(List.of(REMOTE), OWN, true, 2, 0, true);
        assertEquals(List.of(
                "route.added 10.66.1.0/26 {destination=10.66.1.0/26, type=ipip, gateway=10.0.0.2, device=tunl0, node=n2}",
                "route.added 10.66.0.0/26 {destination=10.66.0.0/26, type=blackhole}"),
                seen().stream().sorted(java.util.Comparator.reverseOrder()).toList());
        events.applied(List.of(REMOTE), OWN, true, 1, 0, true);
        assertEquals("drift.repaired tunl0 {device=tunl0, routes=1, deviceSettings=0}", seen().get(2),
                "a write the plan does not explain, after a resync: a repair");
        events.applied(List.of(REMOTE), OWN, true, 0, 1, false);
        assertEquals("drift.repaired tunl0 {device=tunl0, routes=0, deviceSettings=1}", seen().get(3));
        events.applied(List.of(), List.of(), true, 2, 0, true);
        assertEquals(6, seen().size(), seen().toString());
        assertEquals(List.of("route.removed 10.66.0.0/26", "route.removed 10.66.1.0/26"),
                seen().subList(4, 6).stream().map(l -> l.substring(0, l.indexOf(" {"))).sorted().toList());
    }
}
