package dev.tabby.ipip.rest;

import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.ipip.agent.IpipAgent;
import dev.tabby.ipip.manager.IpipStatus;
import dev.tabby.ipip.service.IpipService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/status}: tunl0, who owns the routes, the routes this node programs, and whether it is ready. */
@Path("/v1/status")
public class StatusResource {
    @Inject
    IpipService service;

    /**
     * @param ready            in sync, applied, settled
     * @param reason           why not ready, or "ready"
     * @param datastore        the syncer's status
     * @param lastError        the last failed apply's failures, or null
     * @param lastApplyWrites  kernel writes of the last apply
     * @param allocator        what the tunnel address allocator last did (null when it is off)
     * @param ipip             what is programmed
     */
    public record Body(boolean ready, String reason, String datastore, String lastError, int lastApplyWrites,
                       String allocator, IpipStatus ipip) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Body status() {
        return of(service.agent());
    }

    /** The status of {@code agent}, as served here and published under the node's status in etcd. */
    public static Body of(IpipAgent agent) {
        LoopStatus loop = agent.loopStatus();
        String allocator = agent.allocator().map(a -> a.lastError().map(e -> "failing: " + e).orElse(a.lastOutcome()))
                .orElse(null);
        return new Body(agent.ready(), agent.reason(), agent.syncStatus().name(), loop.lastError(),
                agent.lastApplyWrites(), allocator, agent.status());
    }
}
