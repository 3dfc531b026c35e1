package dev.tabby.renderer.flows;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.flows.FlowRecord;
import dev.tabby.renderer.service.PolicyService;
import dev.tabby.runtime.events.EventStreams;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * {@code GET /v1/flows[?denied=true]}: this node's flow records as Server-Sent Events (CloudEvents of type
 * {@link FlowRecord#EVENT_TYPE}), the kept ones first, then each as its interval ends; {@code denied=true} keeps the
 * records of denied flows only. Empty while flow logs are off.
 */
@Path("/v1/flows")
public class FlowsResource {
    @Inject
    PolicyService service;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> flows(@QueryParam("denied") boolean denied, @Context Sse sse) {
        var agent = service.started().orElseThrow(() -> new ServiceUnavailableException(
                "the policy renderer is starting; ask again in a moment"));
        return EventStreams.sse(sse, agent.flows().hub(), (CloudEvent e) -> e.type().equals(FlowRecord.EVENT_TYPE)
                && (!denied || "deny".equals(e.data().get("action"))));
    }
}
