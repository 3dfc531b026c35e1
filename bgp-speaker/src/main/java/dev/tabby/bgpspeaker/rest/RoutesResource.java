package dev.tabby.bgpspeaker.rest;

import dev.tabby.bgp.speaker.RouteView;
import dev.tabby.bgp.speaker.SpeakerView;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * {@code /v1/routes?afi=ipv4|ipv6}: {@code GET} the Loc-RIB's routes ({@code &peer=IP}: only that peer's),
 * {@code GET /count} the prefixes with a best route, {@code POST} a text/plain body of prefixes, one a line, to
 * originate them, {@code DELETE} the same body to withdraw them. A bad request is answered 400 with one line naming
 * what was wrong, and changes nothing.
 */
@Path("/v1/routes")
public class RoutesResource {
    private static final Logger LOG = Logger.getLogger(RoutesResource.class);

    @Inject
    SpeakerView speaker;

    /** Each route's {@code peer} is the address it came from, null for a route originated here. */
    public record Routes(String afi, List<RouteView> routes) {
    }

    public record Count(String afi, int count) {
    }

    /** @param change "originated" or "withdrawn"; {@code prefixes} as the speaker was given them */
    public record Change(String afi, String change, List<String> prefixes) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Routes routes(@QueryParam("afi") String afi, @QueryParam("peer") String peer) {
        AfiSafi family = RouteRequest.family(afi);
        return new Routes(RouteRequest.afi(family), speaker.routes(family, RouteRequest.peer(peer)));
    }

    @GET
    @Path("count")
    @Produces(MediaType.APPLICATION_JSON)
    public Count count(@QueryParam("afi") String afi) {
        AfiSafi family = RouteRequest.family(afi);
        return new Count(RouteRequest.afi(family), speaker.routeCount(family));
    }

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Change originate(@QueryParam("afi") String afi, String body) {
        AfiSafi family = RouteRequest.family(afi);
        List<Prefix> prefixes = RouteRequest.prefixes(body, family);
        speaker.originate(prefixes);
        return changed(family, "originated", prefixes);
    }

    @DELETE
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Change withdraw(@QueryParam("afi") String afi, String body) {
        AfiSafi family = RouteRequest.family(afi);
        List<Prefix> prefixes = RouteRequest.prefixes(body, family);
        speaker.withdraw(prefixes);
        return changed(family, "withdrawn", prefixes);
    }

    @ServerExceptionMapper
    public Response refused(InvalidRequest e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN_TYPE)
                .entity(e.getMessage() + "\n").build();
    }

    private static Change changed(AfiSafi family, String change, List<Prefix> prefixes) {
        List<String> text = RouteRequest.text(prefixes);
        // The first few name the change in the log; the response lists them all.
        String logged = String.join(",", text.subList(0, Math.min(text.size(), 10))) + (text.size() > 10 ? ",..." : "");
        LOG.infof("event=routes_%s afi=%s count=%d prefixes=%s", change, RouteRequest.afi(family), text.size(), logged);
        return new Change(RouteRequest.afi(family), change, text);
    }
}
