package dev.tabby.bgp.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The BGP sessions Calico v3.18 would give BIRD on one node: the peerings of {@link CalicoPeerings} rendered through
 * confd's etc/calico/confd/templates/bird.cfg.template (IPv4) and bird6.cfg.template (IPv6), section by section:
 * node-to-node mesh, global peers, node-specific peers.
 */
public record SessionPlan(List<Session> sessions, List<SkippedPeer> skipped) {

    public static SessionPlan forNode(String node, BgpSettings settings, List<NodeInfo> allNodes, List<PeerSpec> peers) {
        NodeInfo self = allNodes.stream().filter(n -> n.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node " + node + " is not among the Calico nodes given; add its NodeInfo"));
        CalicoPeerings peerings = new CalicoPeerings(node, settings, allNodes, peers);
        List<Session> sessions = new ArrayList<>();
        List<SkippedPeer> skipped = new ArrayList<>(peerings.skipped);
        for (IpFamily family : IpFamily.values()) {
            String ownIp = self.address(family);
            if (ownIp == null) {
                // bird.cfg.template line 110 / bird6: the whole BGP section is left out ("IPv4 disabled on this node").
                skipped.add(new SkippedPeer(family + " sessions", "node " + node + " has no " + family
                        + " address, so Calico v3.18 renders no " + family + " BGP sessions"));
                continue;
            }
            long localAs = peerings.asOf(self);
            mesh(family, self, ownIp, localAs, settings, allNodes, peerings, sessions, skipped);
            section(family, "Global_", peerings.global, self, ownIp, localAs, sessions, skipped);
            section(family, "Node_", peerings.nodeSpecific, self, ownIp, localAs, sessions, skipped);
        }
        return new SessionPlan(List.copyOf(sessions), List.copyOf(skipped));
    }

    /** bird.cfg.template lines 131-163 (bird6.cfg.template adds: a route reflector node has no IPv6 mesh). */
    private static void mesh(IpFamily family, NodeInfo self, String ownIp, long localAs, BgpSettings settings,
                             List<NodeInfo> allNodes, CalicoPeerings peerings, List<Session> sessions,
                             List<SkippedPeer> skipped) {
        if (!settings.nodeToNodeMeshEnabled()) {
            return; // "# Node-to-node mesh disabled"
        }
        if (family == IpFamily.V6 && !self.rrClusterId().isEmpty()) {
            skipped.add(new SkippedPeer("IPv6 mesh", "node " + self.name() + " is a route reflector (cluster ID "
                    + self.rrClusterId() + "); bird6.cfg.template ignores the mesh for it (bird.cfg.template does not)"));
            return;
        }
        // lsdir "/host" lists node names in order.
        for (NodeInfo other : allNodes.stream().sorted(Comparator.comparing(NodeInfo::name)).toList()) {
            String ip = other.address(family);
            if (ip == null) {
                continue; // {{if exists $onode_ip_key}}
            }
            if (ip.equals(ownIp)) {
                skipped.add(new SkippedPeer("Mesh_" + protocolId(ip), "peer address " + ip + " is this node's own (template: Skipping ourselves)"));
                continue;
            }
            int port = peerings.listenPortOf(other);
            // Line 157: "passive on" when the peer's address is greater, as Go template 'gt' compares strings.
            boolean passive = ip.compareTo(ownIp) > 0;
            sessions.add(new Session("Mesh_" + protocolId(ip), family, ip, port == 0 ? null : port,
                    peerings.asOf(other), localAs, SessionKind.MESH, false, null, false, passive, ownIp, null));
        }
    }

    /** bird.cfg.template lines 166-195 (Global_) and 198-228 (Node_), which are identical but for the name. */
    private static void section(IpFamily family, String prefix, Map<String, CalicoPeerings.Peering> peerings,
                                NodeInfo self, String ownIp, long localAs, List<Session> sessions,
                                List<SkippedPeer> skipped) {
        List<CalicoPeerings.Peering> ordered = peerings.values().stream()
                .filter(p -> IpFamily.of(p.ip()) == family)
                .sorted(Comparator.comparing(CalicoPeerings.Peering::key)).toList();
        for (CalicoPeerings.Peering p : ordered) {
            String name = prefix + protocolId(p.ip()) + (p.port() != 0 ? "_port_" + p.port() : "");
            if (p.ip().equals(ownIp)) {
                skipped.add(new SkippedPeer(name + " (BGPPeer " + p.peerName() + ")",
                        "peer address " + p.ip() + " is this node's own (template: Skipping ourselves)"));
                continue;
            }
            if (p.asNumber() == 0) {
                skipped.add(new SkippedPeer(name + " (BGPPeer " + p.peerName() + ")",
                        "no asNumber: Calico v3.18 accepts it but cannot peer (the template would write 'as 0')"));
                continue;
            }
            String clusterId = self.rrClusterId();
            // Line 182: "rr client" only for iBGP, on a route reflector node, towards a peer outside its cluster.
            boolean rrClient = p.asNumber() == localAs && !clusterId.isEmpty() && !p.rrClusterId().equals(clusterId);
            // Line 189: "next hop keep" only for eBGP.
            boolean keepNextHop = p.asNumber() != localAs && p.keepNextHop();
            String source = "UseNodeIP".equals(p.sourceAddr()) ? ownIp : null;
            sessions.add(new Session(name, family, p.ip(), p.port() == 0 ? null : p.port(), p.asNumber(), localAs,
                    p.kind(), rrClient, rrClient ? clusterId : null, keepNextHop, false, source, p.peerName()));
        }
    }

    /** The template's {{$id}}: the address split on "." (IPv4) or ":" (IPv6) and joined with "_". */
    static String protocolId(String ip) {
        return ip.replace('.', '_').replace(':', '_');
    }
}
