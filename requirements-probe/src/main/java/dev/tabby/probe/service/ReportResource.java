package dev.tabby.probe.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.probe.ReportJson;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /v1/report}: the latest report, in the same JSON as {@code bin/tabby probe -o json}, with one more
 * top-level field: {@code "datastore": {"state": "connected"|"unreachable"|"unknown", "since", "error"}}.
 */
@Path("/v1/report")
public class ReportResource {
    @Inject
    ProbeRunner runner;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response report() {
        ObjectNode datastore = datastore(runner.datastore().current());
        return runner.latest()
                .map(r -> {
                    ObjectNode tree = ReportJson.tree(r);
                    tree.set("datastore", datastore);
                    return Response.ok(tree.toPrettyString()).build();
                })
                .orElseGet(() -> {
                    ObjectNode error = JsonNodeFactory.instance.objectNode();
                    error.put("error", "the first probe has not finished yet; try again in a few seconds");
                    error.set("datastore", datastore);
                    return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(error.toPrettyString()).build();
                });
    }

    private static ObjectNode datastore(DatastoreState.Snapshot s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("state", s.state().label());
        if (s.since() != null) {
            n.put("since", s.since().toString());
        }
        if (s.error() != null) {
            n.put("error", s.error());
        }
        return n;
    }
}
