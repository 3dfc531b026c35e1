package dev.tabby.renderer.rest;

import dev.tabby.renderer.agent.PolicyAgent;
import dev.tabby.renderer.manager.PolicyManager;
import dev.tabby.renderer.service.PolicyService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/status}: readiness, the last apply and its duration, rule and set counts, and every local endpoint
 * with its policies in evaluation order; {@code GET /v1/endpoints/<name>}: one endpoint ({@code <ns>/<name>} of a
 * WorkloadEndpoint, or a HostEndpoint's name) with its status as written to etcd.
 */
@Path("/v1")
public class StatusResource {
    @Inject
    PolicyService service;

    public record Endpoint(PolicyAgent.EndpointView endpoint, String status) {
    }

    public record Body(boolean ready, String reason, String datastore, String backend, PolicyManager.ApplyReport lastApply,
                       int chains, Map<String, Integer> rules, int ipSets, Map<String, List<String>> renderProblems,
                       List<String> felixConfigurationProblems, List<Endpoint> endpoints) {
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Body status() {
        return of(service.agent());
    }

    @GET
    @Path("endpoints/{name: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    public Endpoint endpoint(@PathParam("name") String name) {
        PolicyAgent agent = service.agent();
        for (PolicyAgent.EndpointView v : agent.endpoints().values()) {
            if (v.name().equals(name)) {
                return new Endpoint(v, agent.endpointStatuses().getOrDefault(v.statusKey(), "not reported"));
            }
        }
        throw new NotFoundException("no local endpoint " + name + " on node " + agent.node()
                + "; GET /v1/status lists them");
    }

    public static Body of(PolicyAgent agent) {
        PolicyManager m = agent.manager();
        PolicyAgent.Counts c = agent.counts();
        Map<String, String> statuses = agent.endpointStatuses();
        List<Endpoint> endpoints = agent.endpoints().values().stream()
                .sorted(java.util.Comparator.comparing(PolicyAgent.EndpointView::name))
                .map(v -> new Endpoint(v, statuses.getOrDefault(v.statusKey(), "not reported"))).toList();
        return new Body(agent.ready(), agent.reason(), agent.syncStatus().name(), m.backend(), m.lastApply(),
                c.chains(), c.rules(), c.ipSets(), c.renderProblems(), c.felixConfigurationProblems(), endpoints);
    }
}
