package dev.tabby.vxlan.rest;

import dev.tabby.dataplane.loop.LoopStatus;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.manager.VxlanStatus;
import dev.tabby.vxlan.service.VxlanService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/status}: the device, VTEPs and routes this node programs, and whether it is ready. */
@Path("/v1/status")
public class StatusResource {
    @Inject
    VxlanService service;

    /**
     * @param ready      in sync, applied, settled
     * @param reason     why not ready, or "ready"
     * @param datastore  the syncer's status
     * @param lastError  the last failed apply's failures, or null
     * @param lastApplyWrites  kernel writes of the last apply (0 when a resync found nothing to repair)
     * @param allocator  what the tunnel address allocator last did (null when it is off)
     * @param vxlan      what is programmed
     */
    public record Body(boolean ready, String reason, String datastore, String lastError, int lastApplyWrites,
                       String allocator, VxlanStatus vxlan) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Body status() {
        return of(service.agent());
    }

    /** The status of {@code agent}, as served here and published under the node's status in etcd. */
    public static Body of(VxlanAgent agent) {
        LoopStatus loop = agent.loopStatus();
        String allocator = agent.allocator().map(a -> a.lastError().map(e -> "failing: " + e).orElse(a.lastOutcome()))
                .orElse(null);
        return new Body(agent.ready(), agent.reason(), agent.syncStatus().name(), loop.lastError(),
                agent.lastApplyWrites(), allocator, agent.status());
    }
}
