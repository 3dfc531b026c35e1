package dev.tabby.bgpspeaker.rest;

import dev.tabby.bgp.speaker.SpeakerView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.ZoneId;

/** {@code GET /v1/peers}: every configured peer, what {@code tabbyctl node status} prints. */
@Path("/v1/peers")
public class PeersResource {
    @Inject
    SpeakerView speaker;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public PeersReport peers() {
        // BIRD formats times with localtime(), so the node's zone is the one an operator expects.
        return PeersReport.of(speaker.peers(), Instant.now(), ZoneId.systemDefault());
    }
}
