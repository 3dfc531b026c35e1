package dev.tabby.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.testbed.routers.Afi;
import dev.tabby.testbed.routers.LearnedRoute;
import dev.tabby.testbed.routers.Router;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code up --peer} shows: the top-of-rack router learned every node's blocks, each via that node, and (BIRD,
 * FRR) the underlay reaches every workload through the routes the router put into its kernel.
 */
final class TorCheck {
    private static final Duration LEARN_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TorCheck() {
    }

    /** Prints the check; true when the router has every block (and, where it installs routes, pings got through). */
    static boolean report(PrintWriter out, Layout layout, State state, Router tor) {
        Map<String, String> wanted = new LinkedHashMap<>(); // block -> the node address it must go via
        for (State.NodeInfo n : state.nodes) {
            for (String block : ownBlocks(layout, n.name)) {
                wanted.put(block, TorRouter.address(n));
            }
        }
        String name = state.peer;
        long deadline = System.nanoTime() + LEARN_TIMEOUT.toNanos();
        Map<String, String> missing;
        while (true) {
            missing = missing(wanted, tor.routes(Afi.IPV4));
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            TestbedMain.sleep(1000);
        }
        if (!missing.isEmpty()) {
            out.println("tabby: " + name + " (top of rack) lacks these blocks after " + LEARN_TIMEOUT.toSeconds() + " s: "
                    + missing + "; see " + TorRouter.workDir(layout));
            return false;
        }
        out.println("tabby: " + name + " (top of rack) learned every node's blocks: " + String.join(", ",
                wanted.entrySet().stream().map(e -> e.getKey() + " via " + e.getValue()).toList()));
        if (TorRouter.kernelProtocol(name) == null) {
            out.println("tabby: " + name + " keeps them to itself (no zebra here), so the underlay does not route to the workloads");
            return true;
        }
        out.println("tabby: " + name + "'s routes in " + layout.torNamespace() + "'s kernel: "
                + String.join(", ", TorRouter.kernelRoutes(layout, name)));
        boolean all = true;
        StringBuilder pings = new StringBuilder();
        for (State.WorkloadInfo w : state.workloads) {
            boolean ok = Shell.run("ip", "netns", "exec", layout.torNamespace(), "ping", "-c", "1", "-W", "1", w.ip).ok();
            all &= ok;
            pings.append(pings.isEmpty() ? "" : ", ").append(w.name).append(' ').append(w.ip).append(ok ? " ok" : " --");
        }
        out.println("tabby: from the underlay (ping through " + name + "'s kernel routes): " + pings);
        return all;
    }

    /** The blocks among {@code wanted} the router has not learned with the right next hop, with that next hop. */
    private static Map<String, String> missing(Map<String, String> wanted, List<LearnedRoute> learned) {
        Map<String, String> out = new LinkedHashMap<>(wanted);
        for (LearnedRoute r : learned) {
            if (r.nextHop().equals(out.get(r.prefix()))) {
                out.remove(r.prefix());
            }
        }
        return out;
    }

    /** A node's own blocks, as its bgp-speaker holds them: the proto-83 blackholes in the node's kernel. */
    static List<String> ownBlocks(Layout layout, String node) {
        Shell.Result r = Shell.run("ip", "-n", layout.nodeNamespace(node), "-j", "-4", "route", "show", "proto", "83",
                "type", "blackhole");
        if (!r.ok()) {
            return List.of();
        }
        try {
            return java.util.stream.StreamSupport.stream(JSON.readTree(r.out().isBlank() ? "[]" : r.out()).spliterator(), false)
                    .map(j -> j.path("dst").asText()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot parse ip -j route in " + layout.nodeNamespace(node) + ": " + e.getMessage(), e);
        }
    }
}
