package dev.tabby.renderer.events;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.events.Announced;
import dev.tabby.events.EventSink;
import dev.tabby.renderer.agent.PolicyAgent.EndpointView;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an apply of the renderer did, as events (issue 15), on the apply thread: {@code endpoint.programmed} once an
 * endpoint's rules are in the kernel with the policies that apply to it (again when they change), {@code
 * apply.failed} when an apply fails (once per distinct failure, not once per retry), {@code tampering.repaired} when
 * the periodic read-back ({@code iptablesRefreshInterval}) found our chains or sets changed by someone and wrote them
 * back.
 */
public final class PolicyEvents {
    private final EventSink sink;
    private final Announced<EndpointView> endpoints;
    private Map<String, EndpointView> lastViews;
    private String lastFailure;

    public PolicyEvents(EventSink sink) {
        this.sink = sink;
        this.endpoints = new Announced<>(sink, "endpoint.programmed", null, PolicyEvents::endpointData);
    }

    /**
     * @param result  the apply's outcome
     * @param repairs what the apply wrote per driver although the calculation changed nothing (tampering repaired)
     * @param views   the local endpoints as of this apply, by key; the same instance while nothing changed
     */
    public void applied(ApplyResult result, Map<String, Integer> repairs, Map<String, EndpointView> views) {
        if (sink == EventSink.NONE) {
            return;
        }
        if (!result.ok()) {
            String failure = result.summary();
            if (!failure.equals(lastFailure)) {
                lastFailure = failure;
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("failures", result.failures().size());
                data.put("error", failure);
                data.put("action", "retried with backoff; the rules already in the kernel keep enforcing");
                sink.emit("apply.failed", null, data);
            }
            return;
        }
        lastFailure = null;
        if (!repairs.isEmpty()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("repaired", repairs);
            data.put("writes", repairs.values().stream().mapToInt(Integer::intValue).sum());
            sink.emit("tampering.repaired", null, data);
        }
        if (views != lastViews) {
            lastViews = views;
            Map<String, EndpointView> byName = new LinkedHashMap<>();
            views.values().forEach(v -> byName.put(v.name(), v));
            endpoints.report(byName);
        }
    }

    private static Map<String, ?> endpointData(EndpointView v) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("endpoint", v.name());
        d.put("kind", v.kind());
        d.put("interface", v.interfaceName() == null ? "" : v.interfaceName());
        d.put("ingressPolicies", v.ingressPolicies());
        d.put("egressPolicies", v.egressPolicies());
        d.put("profiles", v.profiles());
        return d;
    }
}
