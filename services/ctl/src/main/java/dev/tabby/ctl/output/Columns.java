package dev.tabby.ctl.output;

import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.ClusterInformation;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The table columns of each kind as calicoctl v3.18 prints them: its headings for {@code -o ps} and {@code -o wide},
 * and for each heading the value its Go template gives (calicoctl/resourcemgr/&lt;kind&gt;.go, the registerResource
 * call of each). Every heading of a kind can be asked for with {@code -o custom-columns=...}.
 */
final class Columns {
    /** What a cell may need beyond the resource: calicoctl's {@code config "asnumber"} template function. */
    interface Context {
        /** The cluster's AS number: BGPConfiguration default's, 64512 when there is none (common/printer.go). */
        String clusterAsNumber();
    }

    /** One kind's table: its default headings, plain and wide, and every heading it knows in calicoctl's order. */
    record Table(List<String> plain, List<String> wide, Map<String, BiFunction<Resource, Context, String>> values) {
        List<String> headings(boolean wideFormat) {
            return wideFormat ? wide : plain;
        }
    }

    private Columns() {
    }

    static Table of(Kind kind) {
        Map<String, BiFunction<Resource, Context, String>> v = new LinkedHashMap<>();
        return switch (kind) {
            case IP_POOL -> {
                // resourcemgr/ippool.go
                put(v, "NAME", Resource::name);
                put(v, "CIDR", (IPPool p) -> spec(p.spec()).cidr());
                put(v, "NAT", (IPPool p) -> bool(spec(p.spec()).natOutgoing()));
                put(v, "IPIPMODE", (IPPool p) -> orNever(spec(p.spec()).ipipMode()));
                put(v, "VXLANMODE", (IPPool p) -> orNever(spec(p.spec()).vxlanMode()));
                put(v, "DISABLED", (IPPool p) -> bool(spec(p.spec()).disabled()));
                put(v, "SELECTOR", (IPPool p) -> spec(p.spec()).nodeSelector());
                yield new Table(List.of("NAME", "CIDR", "SELECTOR"),
                        List.of("NAME", "CIDR", "NAT", "IPIPMODE", "VXLANMODE", "DISABLED", "SELECTOR"), v);
            }
            case NODE -> {
                // resourcemgr/node.go: ASN is the node's own, else the cluster's in brackets; blank without BGP.
                put(v, "NAME", Resource::name);
                v.put("ASN", (r, ctx) -> {
                    Node.BGP bgp = bgp((Node) r);
                    if (bgp == null) {
                        return "";
                    }
                    return bgp.asNumber() != null ? bgp.asNumber().toString() : "(" + ctx.clusterAsNumber() + ")";
                });
                put(v, "IPV4", (Node n) -> bgp(n) == null ? "" : bgp(n).ipv4Address());
                put(v, "IPV6", (Node n) -> bgp(n) == null ? "" : bgp(n).ipv6Address());
                yield new Table(List.of("NAME"), List.of("NAME", "ASN", "IPV4", "IPV6"), v);
            }
            case BGP_CONFIGURATION -> {
                // resourcemgr/bgpconfig.go: "-" for an unset mesh switch or AS number.
                put(v, "NAME", Resource::name);
                put(v, "LOGSEVERITY", (BGPConfiguration c) -> c.spec() == null ? "" : c.spec().logSeverityScreen());
                put(v, "MESHENABLED", (BGPConfiguration c) -> c.spec() == null || c.spec().nodeToNodeMeshEnabled() == null
                        ? "-" : c.spec().nodeToNodeMeshEnabled().toString());
                put(v, "ASNUMBER", (BGPConfiguration c) -> c.spec() == null || c.spec().asNumber() == null
                        ? "-" : c.spec().asNumber().toString());
                List<String> h = List.of("NAME", "LOGSEVERITY", "MESHENABLED", "ASNUMBER");
                yield new Table(h, h, v);
            }
            case BGP_PEER -> {
                // resourcemgr/bgppeer.go: NODE is the node, else the node selector, else "(global)".
                put(v, "NAME", Resource::name);
                put(v, "PEERIP", (BGPPeer p) -> p.spec() == null ? "" : p.spec().peerIP());
                put(v, "NODE", (BGPPeer p) -> {
                    if (p.spec() == null || empty(p.spec().node())) {
                        return p.spec() == null || empty(p.spec().nodeSelector()) ? "(global)" : p.spec().nodeSelector();
                    }
                    return p.spec().node();
                });
                // Go's ASNumber here is not a pointer: an unset one prints 0.
                put(v, "ASN", (BGPPeer p) -> p.spec() == null || p.spec().asNumber() == null ? "0" : p.spec().asNumber().toString());
                List<String> h = List.of("NAME", "PEERIP", "NODE", "ASN");
                yield new Table(h, h, v);
            }
            case CLUSTER_INFORMATION -> {
                // resourcemgr/clusterinfo.go; DatastoreReady is a *bool: <nil> when unset.
                put(v, "NAME", Resource::name);
                put(v, "CLUSTERGUID", (ClusterInformation c) -> c.spec() == null ? "" : c.spec().clusterGUID());
                put(v, "CLUSTERTYPE", (ClusterInformation c) -> c.spec() == null ? "" : c.spec().clusterType());
                put(v, "CALICOVERSION", (ClusterInformation c) -> c.spec() == null ? "" : c.spec().calicoVersion());
                put(v, "DATASTOREREADY", (ClusterInformation c) -> c.spec() == null || c.spec().datastoreReady() == null
                        ? "<nil>" : c.spec().datastoreReady().toString());
                List<String> h = List.of("NAME", "CLUSTERGUID", "CLUSTERTYPE", "CALICOVERSION", "DATASTOREREADY");
                yield new Table(h, h, v);
            }
            case FELIX_CONFIGURATION -> {
                // resourcemgr/felixconfig.go
                put(v, "NAME", Resource::name);
                yield new Table(List.of("NAME"), List.of("NAME"), v);
            }
            case GLOBAL_NETWORK_POLICY -> {
                // resourcemgr/globalnetworkpolicy.go; Order is a *float64: <nil> when unset.
                put(v, "NAME", Resource::name);
                put(v, "ORDER", (GlobalNetworkPolicy p) -> order(p.spec() == null ? null : p.spec().order()));
                put(v, "SELECTOR", (GlobalNetworkPolicy p) -> p.spec() == null ? "" : p.spec().selector());
                yield new Table(List.of("NAME"), List.of("NAME", "ORDER", "SELECTOR"), v);
            }
            case NETWORK_POLICY -> {
                // resourcemgr/networkpolicy.go
                put(v, "NAME", Resource::name);
                put(v, "NAMESPACE", Resource::namespace);
                put(v, "ORDER", (NetworkPolicy p) -> order(p.spec() == null ? null : p.spec().order()));
                put(v, "SELECTOR", (NetworkPolicy p) -> p.spec() == null ? "" : p.spec().selector());
                yield new Table(List.of("NAME"), List.of("NAME", "ORDER", "SELECTOR"), v);
            }
            case GLOBAL_NETWORK_SET -> {
                // resourcemgr/globalnetworkset.go: joinAndTruncate .Spec.Nets "," 80
                put(v, "NAME", Resource::name);
                put(v, "NETS", (GlobalNetworkSet s) -> GoValues.joinAndTruncate(s.spec() == null ? null : s.spec().nets(), ",", 80));
                yield new Table(List.of("NAME"), List.of("NAME", "NETS"), v);
            }
            case NETWORK_SET -> {
                // resourcemgr/networkset.go
                put(v, "NAME", Resource::name);
                put(v, "NAMESPACE", Resource::namespace);
                put(v, "NETS", (NetworkSet s) -> GoValues.joinAndTruncate(s.spec() == null ? null : s.spec().nets(), ",", 80));
                yield new Table(List.of("NAME"), List.of("NAME", "NETS"), v);
            }
            case HOST_ENDPOINT -> {
                // resourcemgr/hostendpoint.go
                put(v, "NAME", Resource::name);
                put(v, "NODE", (HostEndpoint h) -> h.spec() == null ? "" : h.spec().node());
                put(v, "INTERFACE", (HostEndpoint h) -> h.spec() == null ? "" : h.spec().interfaceName());
                put(v, "IPS", (HostEndpoint h) -> GoValues.joinAndTruncate(h.spec() == null ? null : h.spec().expectedIPs(), ",", 0));
                put(v, "PROFILES", (HostEndpoint h) -> GoValues.joinAndTruncate(h.spec() == null ? null : h.spec().profiles(), ",", 0));
                yield new Table(List.of("NAME", "NODE"), List.of("NAME", "NODE", "INTERFACE", "IPS", "PROFILES"), v);
            }
            case PROFILE -> {
                // resourcemgr/profile.go: join over a map gives its k=v pairs, sorted.
                put(v, "NAME", Resource::name);
                put(v, "LABELS", (Profile p) -> GoValues.joinAndTruncate(p.spec() == null ? null : p.spec().labelsToApply(), ",", 0));
                yield new Table(List.of("NAME"), List.of("NAME", "LABELS"), v);
            }
            case WORKLOAD_ENDPOINT -> {
                // resourcemgr/workloadendpoint.go: WORKLOAD is the workload, else the pod; NATS prints each
                // IPNAT struct as Go does ({internal external}).
                put(v, "NAME", Resource::name);
                put(v, "NAMESPACE", Resource::namespace);
                put(v, "NODE", (WorkloadEndpoint w) -> wep(w).node());
                put(v, "ORCHESTRATOR", (WorkloadEndpoint w) -> wep(w).orchestrator());
                put(v, "WORKLOAD", (WorkloadEndpoint w) -> empty(wep(w).workload()) ? wep(w).pod() : wep(w).workload());
                put(v, "NETWORKS", (WorkloadEndpoint w) -> GoValues.joinAndTruncate(wep(w).ipNetworks(), ",", 0));
                put(v, "NATS", (WorkloadEndpoint w) -> GoValues.joinAndTruncate(GoStructs.view(wep(w).ipNATs()), ",", 0));
                put(v, "PROFILES", (WorkloadEndpoint w) -> GoValues.joinAndTruncate(wep(w).profiles(), ",", 0));
                put(v, "INTERFACE", (WorkloadEndpoint w) -> wep(w).interfaceName());
                yield new Table(List.of("WORKLOAD", "NODE", "NETWORKS", "INTERFACE"),
                        List.of("NAME", "WORKLOAD", "NODE", "NETWORKS", "INTERFACE", "PROFILES", "NATS"), v);
            }
        };
    }

    /**
     * The table text for calicoctl's template of these headings (resourcemgr.go GetTableTemplate): a tab after each
     * cell, NAMESPACE first when asked for and the kind has one, one row per resource.
     *
     * @throws IllegalArgumentException for a heading the kind does not have, naming the ones it has
     */
    static String cells(Kind kind, List<String> headings, boolean printNamespace, List<Resource> rows, Context ctx) {
        Table table = of(kind);
        List<String> all = new ArrayList<>();
        if (printNamespace && table.values().containsKey("NAMESPACE")) {
            all.add("NAMESPACE");
        }
        all.addAll(headings);
        StringBuilder out = new StringBuilder();
        for (String h : all) {
            out.append(h).append('\t');
        }
        out.append('\n');
        for (String h : all) {
            if (!table.values().containsKey(h)) {
                // resourcemgr.go: "Unknown heading %s, valid values are: %s"
                throw new IllegalArgumentException("Unknown heading " + h + ", valid values are: "
                        + String.join(", ", table.values().keySet()));
            }
        }
        for (Resource r : rows) {
            for (String h : all) {
                String value = table.values().get(h).apply(r, ctx);
                out.append(value == null ? "" : value).append('\t');
            }
            out.append('\n');
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static <R extends Resource> void put(Map<String, BiFunction<Resource, Context, String>> v, String heading,
                                                 Function<R, String> f) {
        v.put(heading, (r, ctx) -> f.apply((R) r));
    }

    private static IPPool.Spec spec(IPPool.Spec s) {
        return s != null ? s : new IPPool.Spec(null, null, null, null, null, null, null);
    }

    private static WorkloadEndpoint.Spec wep(WorkloadEndpoint w) {
        return w.spec() != null ? w.spec()
                : new WorkloadEndpoint.Spec(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static Node.BGP bgp(Node n) {
        return n.spec() == null ? null : n.spec().bgp();
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    /** Go prints a bool field; Tabby's unset one is Go's zero value, false. */
    private static String bool(Boolean b) {
        return Boolean.TRUE.equals(b) ? "true" : "false";
    }

    private static String orNever(String mode) {
        return empty(mode) ? "Never" : mode;
    }

    private static String order(Double order) {
        return order == null ? "<nil>" : GoValues.formatFloat(order);
    }
}
