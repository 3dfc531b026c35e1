package dev.tabby.probe.service;

import dev.tabby.probe.ReportJson;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /v1/report}: the latest report, in the same JSON as {@code bin/tabby probe -o json}. */
@Path("/v1/report")
public class ReportResource {
    @Inject
    ProbeRunner runner;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response report() {
        return runner.latest()
                .map(r -> Response.ok(ReportJson.write(r)).build())
                .orElseGet(() -> Response.status(Response.Status.SERVICE_UNAVAILABLE)
                        .entity("{\"error\":\"the first probe has not finished yet; try again in a few seconds\"}").build());
    }
}
