package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The testbed now: nodes, their services' readiness, their VXLAN tunnels, workloads and an all-pairs ping matrix. */
final class Status {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One BGP session of a node, from its bgp-speaker's {@code GET /v1/peers}, in calicoctl's words. */
    record Peer(String address, String type, String state, String since, String info) {
        boolean up() {
            return state.equals("up");
        }
    }

    /**
     * @param peers each BGP-mode node's sessions (empty outside BGP mode); a node whose speaker does not answer maps
     *     to null
     * @param torRoutes the routes the top-of-rack router put into the underlay's kernel, or null without one
     * @param containers under --runtime podman, each testbed container by name with podman's view of it; else empty
     */
    record Snapshot(State state, Map<String, String> readiness, Map<String, Integer> vteps, boolean[][] pings,
            Map<String, List<Peer>> peers, List<String> torRoutes, Map<String, ContainerServices.ContainerState> containers) {
        /** Traffic flows, the services are ready and (BGP mode) every session is Established. */
        boolean healthy() {
            return allPingsOk() && allReady() && allPeersUp();
        }

        boolean allPeersUp() {
            return peers.values().stream().allMatch(ps -> ps != null && ps.stream().allMatch(Peer::up));
        }

        boolean allPingsOk() {
            for (boolean[] row : pings) {
                for (boolean ok : row) {
                    if (!ok) {
                        return false;
                    }
                }
            }
            return true;
        }

        /**
         * The services that carry traffic are ready. The probe is shown but does not count: it is not ready exactly
         * when the host falls short of a requirement, which the table says, and that need not stop the testbed.
         */
        boolean allReady() {
            return readiness.entrySet().stream().filter(e -> !e.getKey().endsWith("/" + Services.PROBE))
                    .allMatch(e -> e.getValue().equals("ready") || e.getValue().equals("running"));
        }
    }

    private Status() {
    }

    static Snapshot take(State state, Layout layout) {
        Map<String, String> readiness = new LinkedHashMap<>();
        Map<String, Integer> vteps = new LinkedHashMap<>();
        Map<String, List<Peer>> peers = new LinkedHashMap<>();
        Map<String, ContainerServices.ContainerState> containers = ContainerServices.RUNTIME.equals(state.runtime)
                ? ContainerServices.states(state.prefix) : Map.of();
        for (State.ServiceProcess p : state.processes) {
            String ready = Services.readiness(layout, p, containers);
            if (p.service.equals(Services.PROBE) && !ready.equals("ready")) {
                ready = probeVerdict(Services.get(layout, p.node, p.port, "/v1/report"), ready);
            }
            readiness.put(p.node + "/" + p.service, ready);
            if (p.service.equals(Services.VXLAN)) {
                vteps.put(p.node, countVteps(Services.get(layout, p.node, p.port, "/v1/status")));
            }
            if (p.service.equals(Services.BGP)) {
                peers.put(p.node, peers(Services.get(layout, p.node, p.port, "/v1/peers")));
            }
        }
        return new Snapshot(state, readiness, vteps, pingMatrix(state.workloads), peers,
                state.peer == null ? null : TorRouter.kernelRoutes(layout, state.peer), containers);
    }

    /** "2 fail" says more than "not ready": the probe is not ready exactly when checks fail. */
    private static String probeVerdict(String reportJson, String otherwise) {
        if (reportJson == null) {
            return otherwise;
        }
        try {
            int fails = JSON.readTree(reportJson).path("summary").path("fail").asInt(-1);
            return fails > 0 ? fails + " fail" : otherwise;
        } catch (java.io.IOException e) {
            return otherwise;
        }
    }

    private static int countVteps(String statusJson) {
        if (statusJson == null) {
            return -1;
        }
        try {
            JsonNode n = JSON.readTree(statusJson).path("vxlan").path("vteps");
            return n.isArray() ? n.size() : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The IPv4 and IPv6 sessions of a {@code /v1/peers} body, or null when there is none. */
    static List<Peer> peers(String peersJson) {
        if (peersJson == null) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(peersJson);
            List<Peer> out = new ArrayList<>();
            for (String family : List.of("ipv4", "ipv6")) {
                for (JsonNode p : root.path(family)) {
                    String info = p.path("info").asText("");
                    out.add(new Peer(p.path("peerAddress").asText(), p.path("peerType").asText(), p.path("state").asText(),
                            p.path("since").asText(), p.path("bgpState").asText() + (info.isEmpty() ? "" : " " + info)));
                }
            }
            return out;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Every workload pings every other (in parallel: a failing ping waits its full second). */
    static boolean[][] pingMatrix(List<State.WorkloadInfo> ws) {
        int n = ws.size();
        boolean[][] ok = new boolean[n][n];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, n * n)));
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    State.WorkloadInfo from = ws.get(i);
                    State.WorkloadInfo to = ws.get(j);
                    futures.add(pool.submit(() -> Shell.run("ip", "netns", "exec", from.namespace, "ping", "-c", "1", "-W", "1", to.ip).ok()));
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    ok[i][j] = futures.get(i * n + j).get();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("ping matrix: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        return ok;
    }

    static void printTable(PrintWriter out, Snapshot s) {
        boolean bgp = Layout.Mode.BGP.label.equals(s.state().mode);
        boolean ipip = s.state().mode != null && Layout.Mode.parse(s.state().mode).ipip();
        out.println("NODE     ADDRESS          VXLAN-MANAGER   POLICY-RENDERER PROBE       CNI        "
                + (bgp ? "BGP-SPEAKER     BGP-PEERS" : ipip ? "IPIP-MANAGER" : "VTEPS"));
        for (State.NodeInfo n : s.state().nodes) {
            out.printf("%-8s %-16s %-15s %-15s %-11s %-10s %s%n", n.name, n.address,
                    s.readiness().getOrDefault(n.name + "/" + Services.VXLAN, "-"),
                    s.readiness().getOrDefault(n.name + "/" + Services.POLICY, "-"),
                    s.readiness().getOrDefault(n.name + "/" + Services.PROBE, "-"),
                    s.readiness().getOrDefault(n.name + "/" + Services.CNI, "-"),
                    bgp ? String.format("%-15s %s", s.readiness().getOrDefault(n.name + "/" + Services.BGP, "-"),
                            peerCount(s.peers().get(n.name)))
                            : ipip ? s.readiness().getOrDefault(n.name + "/" + Services.IPIP, "-")
                            : s.vteps().getOrDefault(n.name, -1) < 0 ? "?" : s.vteps().get(n.name));
        }
        if (bgp) {
            out.println();
            out.println("BGP PEERS (each node's bgp-speaker, GET /v1/peers)");
            out.println("NODE     PEER ADDRESS     PEER TYPE          STATE  SINCE       INFO");
            for (State.NodeInfo n : s.state().nodes) {
                List<Peer> ps = s.peers().get(n.name);
                if (ps == null) {
                    out.printf("%-8s %s%n", n.name, "(bgp-speaker does not answer)");
                    continue;
                }
                for (Peer p : ps) {
                    out.printf("%-8s %-16s %-18s %-6s %-11s %s%n", n.name, p.address(), p.type(), p.state(), p.since(), p.info());
                }
            }
        }
        if (ContainerServices.RUNTIME.equals(s.state().runtime)) {
            out.println();
            out.println("CONTAINERS (podman, runc)");
            out.println("NODE     SERVICE            CONTAINER                               STATE      RESTARTS HEALTH");
            for (State.ServiceProcess p : s.state().processes) {
                ContainerServices.ContainerState c = s.containers().get(p.container);
                out.printf("%-8s %-18s %-39s %-10s %-8s %s%n", p.node, p.service, p.container,
                        c == null ? "missing" : c.state(), c == null ? "-" : c.restarts(),
                        s.readiness().getOrDefault(p.node + "/" + p.service, "-"));
            }
        }
        if (s.state().peer != null) {
            out.println();
            String pids = String.join(",", s.state().routerProcesses.stream().map(p -> p.service + " " + p.pid
                    + (ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false) ? "" : " (not running)")).toList());
            out.println("TOP OF RACK: " + s.state().peer + " at " + Layout.torAddress() + ", AS " + Layout.TOR_AS + " (" + pids + ")");
            out.println(TorRouter.kernelProtocol(s.state().peer) == null ? "  learns only: no kernel routes (no zebra here)"
                    : "  kernel routes in the underlay: " + (s.torRoutes().isEmpty() ? "none" : String.join(", ", s.torRoutes())));
        }
        if (!s.state().etcdMembers.isEmpty()) {
            out.println();
            EtcdMembers.printTable(out, Layout.of(s.state(), TestbedMain.varDir()), s.state());
        }
        out.println();
        out.println("WORKLOAD         NODE     IP               LABELS");
        for (State.WorkloadInfo w : s.state().workloads) {
            out.printf("%-16s %-8s %-16s %s%n", w.name, w.node, w.ip, labels(w));
        }
        List<State.WorkloadInfo> ws = s.state().workloads;
        if (!ws.isEmpty()) {
            out.println();
            out.println("PING (row pings column): ok = reply, -- = none");
            StringBuilder header = new StringBuilder(String.format("%-16s", ""));
            for (int j = 0; j < ws.size(); j++) {
                header.append(String.format(" %4s", "w" + (j + 1)));
            }
            out.println(header);
            for (int i = 0; i < ws.size(); i++) {
                StringBuilder row = new StringBuilder(String.format("%-16s", "w" + (i + 1) + " " + ws.get(i).name));
                for (int j = 0; j < ws.size(); j++) {
                    row.append(String.format(" %4s", s.pings()[i][j] ? "ok" : "--"));
                }
                out.println(row);
            }
        }
        out.flush();
    }

    /** "3/3 up", or "?" when the speaker does not answer. */
    private static String peerCount(List<Peer> ps) {
        return ps == null ? "?" : ps.stream().filter(Peer::up).count() + "/" + ps.size() + " up";
    }

    static String labels(State.WorkloadInfo w) {
        if (w.labels == null || w.labels.isEmpty()) {
            return "-";
        }
        return String.join(",", w.labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    static String json(Snapshot s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", s.state().mode);
        if (!s.state().etcdMembers.isEmpty()) {
            EtcdMembers.json(root, Layout.of(s.state(), TestbedMain.varDir()), s.state());
        }
        ArrayNode nodes = root.putArray("nodes");
        for (State.NodeInfo n : s.state().nodes) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name);
            o.put("address", n.address);
            ObjectNode services = o.putObject("services");
            s.readiness().forEach((k, v) -> {
                if (k.startsWith(n.name + "/")) {
                    services.put(k.substring(n.name.length() + 1), v);
                }
            });
            o.put("vteps", s.vteps().getOrDefault(n.name, -1));
            if (!s.containers().isEmpty()) {
                ObjectNode cs = o.putObject("containers");
                s.state().processes.stream().filter(p -> p.node.equals(n.name) && p.container != null).forEach(p -> {
                    ContainerServices.ContainerState c = s.containers().get(p.container);
                    ObjectNode co = cs.putObject(p.service);
                    co.put("name", p.container);
                    co.put("state", c == null ? "missing" : c.state());
                    co.put("restarts", c == null ? 0 : c.restarts());
                });
            }
            if (s.peers().containsKey(n.name)) {
                o.putPOJO("bgpPeers", s.peers().get(n.name));
            }
        }
        ArrayNode ws = root.putArray("workloads");
        List<State.WorkloadInfo> list = s.state().workloads;
        for (int i = 0; i < list.size(); i++) {
            ObjectNode o = ws.addObject();
            o.put("name", list.get(i).name);
            o.put("node", list.get(i).node);
            o.put("ip", list.get(i).ip);
            o.put("namespace", list.get(i).k8sNamespace);
            o.putPOJO("labels", list.get(i).labels);
            ArrayNode reach = o.putArray("reaches");
            for (int j = 0; j < list.size(); j++) {
                if (s.pings()[i][j]) {
                    reach.add(list.get(j).name);
                }
            }
        }
        root.put("allPingsOk", s.allPingsOk());
        root.put("allReady", s.allReady());
        root.put("allPeersUp", s.allPeersUp());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
