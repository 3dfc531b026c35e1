package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.AsNumber;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.testbed.routers.Neighbour;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterConfig;
import dev.tabby.testbed.routers.RouterKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The top-of-rack router of {@code bin/tabby up --mode bgp --peer bird|gobgp|frr}: a reference BGP daemon in the
 * underlay namespace on the bridge's gateway address, AS {@link Layout#TOR_AS}, with every node as its neighbour, and
 * a global BGPPeer in etcd (no node, no nodeSelector: every node peers with it, as Calico's docs set up a ToR peer).
 * BIRD and FRR put what they learn into the underlay's kernel, so the underlay reaches the workloads; GoBGP cannot
 * (no zebra here) and only learns.
 */
final class TorRouter {
    /** The global BGPPeer the testbed writes and removes. */
    static final String BGP_PEER = "tabby-tor";
    /** Calico's AS when BGPConfiguration default sets none (libcalico-go numorstring, DefaultASNumber). */
    static final long DEFAULT_CLUSTER_AS = 64512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TorRouter() {
    }

    /** The global BGPPeer every node peers with: the ToR's address and AS. */
    static void writePeer(ResourceStore store) {
        BGPPeer peer = new BGPPeer(ObjectMeta.named(BGP_PEER), new BGPPeer.Spec(null, Layout.torAddress(),
                new AsNumber(Layout.TOR_AS), null, null, null, null, null));
        store.apply(peer);
    }

    static void deletePeer(ResourceStore store) {
        store.delete(new ResourceId(Kind.BGP_PEER, null, BGP_PEER), null);
    }

    /** The nodes' AS: BGPConfiguration default's asNumber, else Calico's default. */
    static long clusterAs(ResourceStore store) {
        return store.get(new ResourceId(Kind.BGP_CONFIGURATION, null, "default"))
                .map(r -> ((BGPConfiguration) r).spec())
                .map(s -> s.asNumber() == null ? DEFAULT_CLUSTER_AS : s.asNumber().value())
                .orElse(DEFAULT_CLUSTER_AS);
    }

    /**
     * Starts the router in the underlay, peered with every node, and records its daemons in {@code state} (so
     * {@code down} stops them even from another process). The daemon outlives this JVM: it is a process of its own.
     */
    static Router start(Layout layout, State state, RouterKind kind, long clusterAs) {
        RouterConfig config = RouterConfig.of(Layout.torAddress(), Layout.TOR_AS)
                // GoBGP has no way into the kernel here; BIRD and FRR make the underlay route to the workloads.
                .withInstallRoutes(kind != RouterKind.GOBGP);
        for (State.NodeInfo n : state.nodes) {
            config = config.withNeighbour(Neighbour.of(address(n), clusterAs));
        }
        Router router = kind.create();
        state.peer = kind.operatorName();
        state.save(layout.varDir());
        router.start(layout.torNamespace(), config, workDir(layout));
        state.routerProcesses.add(process(layout, kind.operatorName(), router.pid(), logName(kind)));
        if (kind == RouterKind.FRR) {
            // FRR runs zebra beside bgpd; Router.pid() is bgpd's, zebra's is in the pid file it writes.
            long zebra = pidFile(workDir(layout).resolve("zebra.pid"));
            if (zebra > 0) {
                state.routerProcesses.add(process(layout, "frr-zebra", zebra, "zebra.log"));
            }
        }
        state.save(layout.varDir());
        return router;
    }

    static Path workDir(Layout layout) {
        return layout.varDir().resolve("tor");
    }

    /** The node's underlay address without its prefix length. */
    static String address(State.NodeInfo n) {
        return n.address.substring(0, n.address.indexOf('/'));
    }

    /** The kernel's name for the route protocol the router's routes carry in the underlay, or null (GoBGP). */
    static String kernelProtocol(String peer) {
        return switch (peer) {
            case "bird" -> "bird";
            case "frr" -> "bgp";
            default -> null;
        };
    }

    /**
     * The prefixes the router put into the underlay's kernel, each with its gateways: "192.168.1.0/26 via 10.99.1.11",
     * or "... via 10.99.1.13+10.99.1.12" for a multipath route.
     */
    static List<String> kernelRoutes(Layout layout, String peer) {
        String proto = kernelProtocol(peer);
        List<String> out = new ArrayList<>();
        if (proto == null) {
            return out;
        }
        Shell.Result r = Shell.run("ip", "-n", layout.torNamespace(), "-j", "-4", "route", "show", "proto", proto);
        if (!r.ok()) {
            return out;
        }
        try {
            for (JsonNode route : JSON.readTree(r.out().isBlank() ? "[]" : r.out())) {
                // FRR installs equal paths (each node advertises every block, next hop self) as one multipath route.
                List<String> gateways = new ArrayList<>();
                if (route.has("gateway")) {
                    gateways.add(route.path("gateway").asText());
                }
                route.path("nexthops").forEach(nh -> gateways.add(nh.path("gateway").asText()));
                out.add(route.path("dst").asText() + " via " + (gateways.isEmpty() ? "-" : String.join("+", gateways)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse ip -j route in " + layout.torNamespace() + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static State.ServiceProcess process(Layout layout, String name, long pid, String log) {
        State.ServiceProcess p = new State.ServiceProcess();
        p.node = "-";
        p.service = name;
        p.pid = pid;
        p.log = workDir(layout).resolve(log).toString();
        return p;
    }

    private static String logName(RouterKind kind) {
        return switch (kind) {
            case BIRD -> "bird.log";
            case GOBGP -> "gobgpd.log";
            case FRR -> "bgpd.log";
        };
    }

    private static long pidFile(Path file) {
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
