package dev.tabby.runtime.events;

import dev.tabby.events.CloudEvent;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * {@code GET /v1/events[?type=<prefix>]}: this service's events as Server-Sent Events, the kept ones first
 * ({@code tabby.events.replay}, default 1024), then live. {@code type} keeps the events whose type starts with it,
 * e.g. {@code dev.tabby.vxlan-manager.route}.
 */
@Path("/v1/events")
public class EventsResource {
    @Inject
    ServiceEvents events;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@QueryParam("type") String type, @Context Sse sse) {
        String prefix = type == null ? "" : type;
        return EventStreams.sse(sse, events.hub(), (CloudEvent e) -> e.type().startsWith(prefix));
    }
}
