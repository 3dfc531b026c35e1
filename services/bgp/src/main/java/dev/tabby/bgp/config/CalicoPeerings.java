package dev.tabby.bgp.config;

import dev.tabby.model.selector.Selector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The peerings confd v3.18 writes under /calico/bgp/v1/global/peer_v{4,6} and /host/&lt;node&gt;/peer_v{4,6} for one
 * node, computed from BGPPeers the way confd pkg/backends/calico/client.go updatePeersV1 does: global BGPPeers first,
 * then node-specific ones (skipped where a global peering to the same ip:port exists), then the implicit reverse
 * peerings; the first peering for a key wins. Calico iterates a Go map of BGPPeers (random order); this uses the
 * order of the given list, so which of two BGPPeers to the same ip:port wins is defined here and not in Calico.
 */
final class CalicoPeerings {
    /** One peering value, the JSON bgpPeer of client.go plus where it came from. */
    record Peering(String ip, int port, long asNumber, String rrClusterId, String sourceAddr, boolean keepNextHop,
                   SessionKind kind, String peerName) {
        String key() {
            return ip + "|" + port;
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    final Map<String, Peering> global = new LinkedHashMap<>();
    final Map<String, Peering> nodeSpecific = new LinkedHashMap<>();
    final List<SkippedPeer> skipped = new ArrayList<>();

    private final String nodeName;
    private final BgpSettings settings;
    private final List<NodeInfo> nodes;

    CalicoPeerings(String nodeName, BgpSettings settings, List<NodeInfo> nodes, List<PeerSpec> peers) {
        this.nodeName = nodeName;
        this.settings = settings;
        this.nodes = nodes;
        for (boolean globalPass : new boolean[] {true, false}) {
            for (PeerSpec peer : peers) {
                if (peer.global() == globalPass) {
                    guarded(peer, () -> forwardPass(peer, globalPass));
                }
            }
        }
        for (PeerSpec peer : peers) {
            guarded(peer, () -> reversePass(peer));
        }
    }

    private void guarded(PeerSpec peer, Runnable pass) {
        try {
            pass.run();
        } catch (IllegalArgumentException e) {
            SkippedPeer skip = new SkippedPeer("BGPPeer " + peer.name(), e.getMessage());
            if (!skipped.contains(skip)) { // the forward and reverse passes may both trip on the same selector
                skipped.add(skip);
            }
        }
    }

    private void forwardPass(PeerSpec peer, boolean globalPass) {
        if (!globalPass && !localNodesOf(peer).contains(nodeName)) {
            return;
        }
        List<Peering> found = new ArrayList<>();
        if (!peer.peerSelector().isEmpty()) {
            // client.go: nodeAsBGPPeers for every node the peerSelector picks; keep_next_hop is not copied.
            for (NodeInfo n : matching(peer.peerSelector())) {
                found.addAll(nodeAsPeers(n, SessionKind.PEER_SELECTOR, peer));
            }
        } else {
            String[] hostPort = splitHostPort(peer.peerIP());
            String ip = hostPort[0];
            if (!IPV4.matcher(ip).matches() && !IPV6.matcher(ip).matches()) {
                throw new IllegalArgumentException("peerIP '" + peer.peerIP() + "' is missing or malformed; confd skips it");
            }
            int port = Integer.parseInt(hostPort[1]);
            if (port == 0) {
                // client.go: a peer that is itself a Calico node (same IP and AS) is reached on that node's listen port.
                List<NodeInfo> same = nodesWithIpPortAndAs(ip, peer.asNumber(), 0);
                if (!same.isEmpty()) {
                    port = listenPortOf(same.get(0));
                }
            }
            found.add(new Peering(ip, port, peer.asNumber(), "", peer.sourceAddress(), peer.keepOriginalNextHop(),
                    globalPass ? SessionKind.GLOBAL : SessionKind.NODE_SPECIFIC, peer.name()));
        }
        for (Peering p : found) {
            emit(globalPass ? global : nodeSpecific, p);
        }
    }

    /** client.go's second loop: nodes matching the BGPPeer's remote side peer back with its local side. */
    private void reversePass(PeerSpec peer) {
        List<NodeInfo> locals;
        if (!peer.peerSelector().isEmpty()) {
            locals = matching(peer.peerSelector());
        } else {
            String[] hostPort = splitHostPort(peer.peerIP());
            locals = nodesWithIpPortAndAs(hostPort[0], peer.asNumber(), Integer.parseInt(hostPort[1]));
        }
        if (locals.stream().noneMatch(n -> n.name().equals(nodeName))) {
            return;
        }
        List<NodeInfo> remotes;
        if (!peer.nodeSelector().isEmpty()) {
            remotes = matching(peer.nodeSelector());
        } else if (!peer.node().isEmpty()) {
            remotes = nodes.stream().filter(n -> n.name().equals(peer.node())).toList();
        } else {
            remotes = nodes;
        }
        for (NodeInfo remote : remotes) {
            for (Peering p : nodeAsPeers(remote, SessionKind.REVERSE, peer)) {
                emit(nodeSpecific, p);
            }
        }
    }

    private void emit(Map<String, Peering> into, Peering p) {
        if (into.containsKey(p.key())) {
            return; // client.go emit(): an existing entry for that path wins
        }
        if (into == nodeSpecific && global.containsKey(p.key())) {
            return; // client.go emit(): a global peering to the same ip:port makes the node one redundant
        }
        into.put(p.key(), p);
    }

    private List<String> localNodesOf(PeerSpec peer) {
        if (!peer.nodeSelector().isEmpty()) {
            return matching(peer.nodeSelector()).stream().map(NodeInfo::name).toList();
        }
        return List.of(peer.node());
    }

    private List<NodeInfo> matching(String selector) {
        List<NodeInfo> out = new ArrayList<>();
        for (NodeInfo n : nodes) {
            if (Selector.parse(selector).matches(n.labels())) { // a bad selector throws: the peer is skipped
                out.add(n);
            }
        }
        return out;
    }

    /** client.go nodeAsBGPPeers: one peering per address family the node has. */
    private List<Peering> nodeAsPeers(NodeInfo n, SessionKind kind, PeerSpec from) {
        List<Peering> out = new ArrayList<>();
        for (String ip : new String[] {n.ipv4(), n.ipv6()}) {
            if (ip != null) {
                out.add(new Peering(ip, listenPortOf(n), asOf(n), n.rrClusterId(), from.sourceAddress(), false,
                        kind, from.name()));
            }
        }
        return out;
    }

    /** client.go nodesWithIPPortAndAS, including its quirk that a set global listen port overrides a matching node port. */
    private List<NodeInfo> nodesWithIpPortAndAs(String ip, long asNumber, int port) {
        long wantAs = asNumber == 0 ? settings.asNumber() : asNumber;
        List<NodeInfo> out = new ArrayList<>();
        for (NodeInfo n : nodes) {
            if (!ip.equals(n.ipv4()) && !ip.equals(n.ipv6())) {
                continue;
            }
            if (asOf(n) != wantAs) {
                continue;
            }
            if (port != 0) {
                if (n.listenPort() != null && port != n.listenPort()) {
                    continue;
                } else if (settings.listenPort() != null && settings.listenPort() != port) {
                    continue;
                }
            }
            out.add(n);
        }
        return out;
    }

    long asOf(NodeInfo n) {
        return n.asNumber() != null ? n.asNumber() : settings.asNumber();
    }

    int listenPortOf(NodeInfo n) {
        if (n.listenPort() != null) {
            return n.listenPort();
        }
        return settings.listenPort() != null ? settings.listenPort() : 0;
    }

    /** Go net.SplitHostPort as client.go parseIPPort uses it: "ip:port" or "[ip6]:port", else the whole string, port 0. */
    static String[] splitHostPort(String ipPort) {
        String host;
        String port;
        if (ipPort.startsWith("[")) {
            int close = ipPort.indexOf("]:");
            if (close < 0) {
                return new String[] {ipPort, "0"};
            }
            host = ipPort.substring(1, close);
            port = ipPort.substring(close + 2);
        } else {
            int colon = ipPort.indexOf(':');
            if (colon < 0 || colon != ipPort.lastIndexOf(':')) {
                return new String[] {ipPort, "0"};
            }
            host = ipPort.substring(0, colon);
            port = ipPort.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                return new String[] {ipPort, "0"};
            }
            return new String[] {host, Integer.toString(p)};
        } catch (NumberFormatException e) {
            return new String[] {ipPort, "0"};
        }
    }
}
