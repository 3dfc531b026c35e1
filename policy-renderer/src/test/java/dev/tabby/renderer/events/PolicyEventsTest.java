package dev.tabby.renderer.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventHub;
import dev.tabby.renderer.agent.PolicyAgent.EndpointView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which applies make which events. The kernel side (an endpoint programmed with its policy, a flushed chain written
 * back) is PolicyAgentKernelTest's; a failing iptables-restore is not something a test namespace can be made to do
 * on demand, so apply.failed is judged here.
 */
class PolicyEventsTest {
    private final EventHub hub = new EventHub(64);
    private final EventFactory factory = new EventFactory("n1", "policy-renderer");
    private final PolicyEvents events = new PolicyEvents((what, subject, data) -> hub.publish(factory.make(what, subject, data)));
    private static final ApplyResult FAILED = ApplyResult.failed("iptables filter", "cali-tw-cali1", "exited 4: lock");
    private static final ApplyResult FAILED_ELSEWHERE = ApplyResult.failed("ipsets", "cali40s:abc", "exited 1");

    private List<String> seen() {
        try (EventHub.Subscription s = hub.subscribe(e -> true)) {
            return s.replay().stream().map(e -> e.type().substring("dev.tabby.policy-renderer.".length()) + " "
                    + e.subject() + " " + e.data()).toList();
        }
    }

    @Test
    void aFailureIsReportedOncePerDistinctFailureAndRepairsAndEndpointsOnlyWhenApplied() {
        EndpointView db = new EndpointView("default/n1-cni-db-eth0", "WorkloadEndpoint", "calidb", List.of("default.allow-web"),
                List.of(), List.of("kns.default"), "key");
        Map<String, EndpointView> views = Map.of("wep/default/n1-cni-db-eth0", db);
        events.applied(FAILED, Map.of(), views);
        events.applied(FAILED, Map.of(), views);
        assertEquals(1, seen().size(), "a retry failing the same way says nothing new: " + seen());
        assertEquals("apply.failed null {failures=1, error=" + FAILED.summary()
                + ", action=retried with backoff; the rules already in the kernel keep enforcing}", seen().get(0));
        events.applied(FAILED_ELSEWHERE, Map.of(), views);
        assertEquals(2, seen().size(), seen().toString());

        events.applied(ApplyResult.NOTHING, Map.of(), views);
        assertEquals("endpoint.programmed default/n1-cni-db-eth0 {endpoint=default/n1-cni-db-eth0, kind=WorkloadEndpoint,"
                + " interface=calidb, ingressPolicies=[default.allow-web], egressPolicies=[], profiles=[kns.default]}",
                seen().get(2));
        events.applied(ApplyResult.NOTHING, Map.of("iptables filter", 1), views);
        assertEquals("tampering.repaired null {repaired={iptables filter=1}, writes=1}", seen().get(3));
        assertEquals(4, seen().size(), "the same endpoints are not programmed again: " + seen());

        events.applied(FAILED, Map.of(), views);
        assertEquals(5, seen().size(), "after a success, the same failure is news again: " + seen());
    }
}
