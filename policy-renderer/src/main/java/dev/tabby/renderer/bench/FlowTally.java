package dev.tabby.renderer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/**
 * What the renderer's {@code GET /v1/flows} delivered: flow records (CloudEvents of type
 * {@value #FLOW_TYPE}, the record in {@code data}), their connections summed for the benchmark's own flow (client
 * to server on the load's port, per direction) and for everything else, and the lowest {@code sampling} seen (below 1:
 * the rate limit dropped verdicts). Fed from the event stream's thread, read from the bench's: synchronized.
 */
final class FlowTally {
    static final String FLOW_TYPE = "dev.tabby.policy-renderer.flow";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A copy of the counts at one moment. */
    record Counts(long records, long ingressConnections, long egressConnections, long otherConnections, long packets,
                  long bytes, long denied, double minSampling, long unreadable) {
        Counts minus(Counts before) {
            return new Counts(records - before.records, ingressConnections - before.ingressConnections,
                    egressConnections - before.egressConnections, otherConnections - before.otherConnections,
                    packets - before.packets, bytes - before.bytes, denied - before.denied,
                    minSampling, unreadable - before.unreadable);
        }

        String describe() {
            return String.format(Locale.ROOT, "records=%d connections: ingress (server's policy)=%d egress (client's "
                            + "profile)=%d other=%d; packets=%d bytes=%d denied_connections=%d min_sampling=%s%s",
                    records, ingressConnections, egressConnections, otherConnections, packets, bytes, denied,
                    minSampling > 1 ? "-" : String.format(Locale.ROOT, "%.4f", minSampling),
                    unreadable > 0 ? " unreadable_events=" + unreadable : "");
        }
    }

    private final String clientIp;
    private final String serverIp;
    private final int port;
    private long records;
    private long ingress;
    private long egress;
    private long other;
    private long packets;
    private long bytes;
    private long denied;
    private double minSampling = 2; // above any real sampling: none seen yet
    private long unreadable;

    FlowTally(String clientIp, String serverIp, int port) {
        this.clientIp = clientIp;
        this.serverIp = serverIp;
        this.port = port;
    }

    /** One {@code data:} payload of the stream: a CloudEvent in JSON. */
    synchronized void accept(String eventJson) {
        JsonNode e;
        try {
            e = JSON.readTree(eventJson);
        } catch (java.io.IOException ex) {
            unreadable++;
            return;
        }
        if (!FLOW_TYPE.equals(e.path("type").asText()) || !e.path("data").isObject()) {
            unreadable++;
            return;
        }
        JsonNode d = e.path("data");
        records++;
        long conns = d.path("connections").asLong();
        packets += d.path("packets").asLong();
        bytes += d.path("bytes").asLong();
        minSampling = Math.min(minSampling, d.path("sampling").asDouble(1));
        boolean ours = clientIp.equals(d.path("srcIp").asText()) && serverIp.equals(d.path("dstIp").asText())
                && d.path("dstPort").asInt() == port;
        if ("deny".equals(d.path("action").asText())) {
            denied += conns;
        } else if (ours && "ingress".equals(d.path("direction").asText())) {
            ingress += conns;
        } else if (ours && "egress".equals(d.path("direction").asText())) {
            egress += conns;
        } else {
            other += conns;
        }
    }

    synchronized Counts now() {
        return new Counts(records, ingress, egress, other, packets, bytes, denied, minSampling, unreadable);
    }

    /** Starts a new minimum of sampling: the lowest seen from here on. */
    synchronized Counts mark() {
        Counts c = now();
        minSampling = 2;
        return c;
    }
}
