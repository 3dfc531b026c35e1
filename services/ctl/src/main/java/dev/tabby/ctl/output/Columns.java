package dev.tabby.ctl.output;

import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/** The table columns of each kind, as calicoctl's {@code -o ps} (default) and {@code -o wide} print them. */
final class Columns {
    record Column(String header, Function<Resource, String> value, boolean wideOnly) {
    }

    private Columns() {
    }

    static List<Column> of(Kind kind, boolean wide, boolean withNamespace) {
        List<Column> all = new ArrayList<>();
        if (withNamespace && kind.namespaced()) {
            all.add(new Column("NAMESPACE", Resource::namespace, false));
        }
        all.add(new Column(kind == Kind.WORKLOAD_ENDPOINT ? "WORKLOAD" : "NAME", Resource::name, false));
        all.addAll(specific(kind));
        return all.stream().filter(c -> wide || !c.wideOnly).toList();
    }

    private static List<Column> specific(Kind kind) {
        return switch (kind) {
            case IP_POOL -> List.of(
                    col("CIDR", (IPPool p) -> p.spec().cidr(), false),
                    col("NAT", (IPPool p) -> str(p.spec().natOutgoing()), true),
                    col("IPIPMODE", (IPPool p) -> p.spec().ipipMode(), true),
                    col("VXLANMODE", (IPPool p) -> p.spec().vxlanMode(), true),
                    col("DISABLED", (IPPool p) -> str(p.spec().disabled()), true),
                    col("SELECTOR", (IPPool p) -> p.spec().nodeSelector(), false));
            case NODE -> List.of(
                    col("ASN", (Node n) -> n.spec() == null || n.spec().bgp() == null ? "" : str(n.spec().bgp().asNumber()), true),
                    col("IPV4", (Node n) -> n.spec() == null || n.spec().bgp() == null ? "" : str(n.spec().bgp().ipv4Address()), true),
                    col("IPV6", (Node n) -> n.spec() == null || n.spec().bgp() == null ? "" : str(n.spec().bgp().ipv6Address()), true));
            case BGP_PEER -> List.of(
                    col("PEERIP", (BGPPeer p) -> str(p.spec().peerIP()), false),
                    col("NODE", (BGPPeer p) -> p.spec().node() != null ? p.spec().node()
                            : p.spec().nodeSelector() != null ? p.spec().nodeSelector() : "(global)", false),
                    col("ASN", (BGPPeer p) -> str(p.spec().asNumber()), false),
                    col("PEERSELECTOR", (BGPPeer p) -> str(p.spec().peerSelector()), true));
            case BGP_CONFIGURATION -> List.of(
                    col("LOGSEVERITY", (BGPConfiguration c) -> c.spec() == null ? "" : str(c.spec().logSeverityScreen()), false),
                    col("MESHENABLED", (BGPConfiguration c) -> c.spec() == null ? "" : str(c.spec().nodeToNodeMeshEnabled()), false),
                    col("ASNUMBER", (BGPConfiguration c) -> c.spec() == null ? "" : str(c.spec().asNumber()), false));
            case NETWORK_POLICY -> List.of(
                    col("ORDER", (NetworkPolicy p) -> order(p.spec().order()), true),
                    col("SELECTOR", (NetworkPolicy p) -> str(p.spec().selector()), true));
            case GLOBAL_NETWORK_POLICY -> List.of(
                    col("ORDER", (GlobalNetworkPolicy p) -> order(p.spec().order()), true),
                    col("SELECTOR", (GlobalNetworkPolicy p) -> str(p.spec().selector()), true));
            case NETWORK_SET -> List.of(col("NETS", (NetworkSet s) -> s.spec() == null ? "" : join(s.spec().nets()), true));
            case GLOBAL_NETWORK_SET -> List.of(col("NETS", (GlobalNetworkSet s) -> s.spec() == null ? "" : join(s.spec().nets()), true));
            case HOST_ENDPOINT -> List.of(
                    col("NODE", (HostEndpoint h) -> h.spec().node(), false),
                    col("INTERFACE", (HostEndpoint h) -> str(h.spec().interfaceName()), true),
                    col("IPS", (HostEndpoint h) -> join(h.spec().expectedIPs()), true),
                    col("PROFILES", (HostEndpoint h) -> join(h.spec().profiles()), true));
            case WORKLOAD_ENDPOINT -> List.of(
                    col("NODE", (WorkloadEndpoint w) -> w.spec().node(), false),
                    col("NETWORKS", (WorkloadEndpoint w) -> join(w.spec().ipNetworks()), false),
                    col("INTERFACE", (WorkloadEndpoint w) -> w.spec().interfaceName(), false),
                    col("PROFILES", (WorkloadEndpoint w) -> join(w.spec().profiles()), true));
            case PROFILE -> List.of(col("LABELS", (Profile p) -> p.spec() == null ? "" : labels(p.spec().labelsToApply()), true));
            case FELIX_CONFIGURATION, CLUSTER_INFORMATION -> List.of();
        };
    }

    @SuppressWarnings("unchecked")
    private static <R extends Resource> Column col(String header, Function<R, String> f, boolean wideOnly) {
        return new Column(header, r -> f.apply((R) r), wideOnly);
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String order(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString(d.longValue()) : d.toString();
    }

    private static String join(List<String> values) {
        return values == null ? "" : String.join(",", values.stream().map(Objects::toString).toList());
    }

    private static String labels(Map<String, String> labels) {
        if (labels == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }
}
