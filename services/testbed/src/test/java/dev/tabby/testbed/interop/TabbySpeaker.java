package dev.tabby.testbed.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.testbed.bench.PeeringLab;
import dev.tabby.testbed.bench.SpeakerConfig;
import dev.tabby.testbed.bench.SpeakerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A standalone Tabby bgp-speaker under test, one process in a lab node's namespace (started and stopped by PID by
 * {@link SpeakerProcess}, its config file written from a {@link SpeakerConfig}), read through its HTTP surfaces
 * ({@code /v1/peers}, {@code /v1/routes}) and its kernel routes (proto 83), in the same terms the reference routers'
 * {@link dev.tabby.testbed.routers.LearnedRoute} uses, so what Tabby holds and what a router holds compare equal.
 */
final class TabbySpeaker implements AutoCloseable {
    /** Route protocol 83: bgp-speaker's routes (docs/architecture.md, ownership table). */
    static final String PROTO = "83";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One peer of {@code GET /v1/peers}. */
    record Peer(String address, String bgpState, String lastError, int prefixesReceived) {
        boolean established() {
            return "Established".equals(bgpState);
        }
    }

    /** One Loc-RIB route of {@code GET /v1/routes}: canonical prefix and next hop, AS path nearest first. */
    record Route(String prefix, String nextHop, List<Long> asPath) {
    }

    private final SpeakerProcess process;

    private TabbySpeaker(SpeakerProcess process) {
        this.process = process;
    }

    /** Starts the speaker on {@code node} of {@code lab}; the lab ends it when it closes. */
    static TabbySpeaker start(PeeringLab lab, int node, SpeakerConfig config) {
        return new TabbySpeaker(lab.startTabby(node, config, List.of()));
    }

    Map<String, Peer> peers() {
        JsonNode report = process.json("/v1/peers");
        Map<String, Peer> out = new LinkedHashMap<>();
        for (String family : List.of("ipv4", "ipv6")) {
            for (JsonNode p : report.path(family)) {
                String address = IpAddress.parse(p.path("peerAddress").asText()).toString();
                out.put(address, new Peer(address, p.path("bgpState").asText(), p.path("lastError").asText(""),
                        p.path("prefixesReceived").asInt()));
            }
        }
        return out;
    }

    Peer peer(String address) {
        Peer p = peers().get(IpAddress.parse(address).toString());
        if (p == null) {
            throw new IllegalStateException("Tabby's /v1/peers does not list " + address + ": " + peers().keySet());
        }
        return p;
    }

    /** The best routes Tabby learned from peers ({@code afi} ipv4 or ipv6); originated ones are left out. */
    List<Route> routes(String afi) {
        List<Route> out = new ArrayList<>();
        for (JsonNode r : process.json("/v1/routes?afi=" + afi).path("routes")) {
            if (r.path("peer").isNull() || r.path("peer").isMissingNode() || !r.path("best").asBoolean()) {
                continue;
            }
            List<Long> path = new ArrayList<>();
            for (String as : r.path("asPath").asText("").replaceAll("[{}()]", " ").trim().split("\\s+")) {
                if (!as.isEmpty()) {
                    path.add(Long.parseLong(as));
                }
            }
            out.add(new Route(Cidr.parse(r.path("prefix").asText()).network().toString(),
                    IpAddress.parse(r.path("nextHop").asText()).toString(), path));
        }
        return out;
    }

    /** Tabby's kernel routes (proto 83) of {@code afi}: prefix to gateway ("" for one without, e.g. a blackhole). */
    Map<String, String> kernelRoutes(String afi) {
        String out = PeeringLab.run("ip", "-n", process.netns(), "-j", afi.equals("ipv4") ? "-4" : "-6", "route",
                "show", "proto", PROTO);
        Map<String, String> routes = new LinkedHashMap<>();
        try {
            for (JsonNode r : JSON.readTree(out.isBlank() ? "[]" : out)) {
                String dst = r.path("dst").asText();
                if (!dst.contains("/")) {
                    dst += afi.equals("ipv4") ? "/32" : "/128";
                }
                String via = r.path("gateway").asText("");
                routes.put(Cidr.parse(dst).network().toString(), via.isEmpty() ? "" : IpAddress.parse(via).toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ip -j route in " + process.netns() + " is not JSON: " + e.getMessage(), e);
        }
        return routes;
    }

    void originate(String afi, List<String> prefixes) {
        process.originate(afi, prefixes);
    }

    void withdraw(String afi, List<String> prefixes) {
        process.withdraw(afi, prefixes);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.close();
    }
}
