package dev.tabby.testbed.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The file a standalone bgp-speaker runs from ({@code bin/tabby bgp run --config FILE}): Calico v3 resources as
 * calicoctl would apply them. BGPConfiguration {@code default} with the node-to-node mesh off, the speaker's Node,
 * one BGPPeer per peer and the IPPools; Tabby's session options ride on the BGPPeer's annotations
 * (bgp-speaker's TabbyPeerOptions and services/bgp's PeerSecrets), so the file stays valid for calicoctl v3.18.
 *
 * @param node the Node's name
 * @param asNumber the cluster's AS (BGPConfiguration spec.asNumber)
 * @param ipv4Address the Node's spec.bgp.ipv4Address, a CIDR ("10.250.0.2/24")
 * @param ipv6Address the Node's spec.bgp.ipv6Address, or null
 * @param routeReflectorClusterId the Node's spec.bgp.routeReflectorClusterID (it is a route reflector), or null
 * @param peers the BGPPeers
 * @param pools the IPPools' CIDRs (IP-in-IP and VXLAN off)
 */
public record SpeakerConfig(String node, long asNumber, String ipv4Address, String ipv6Address,
        String routeReflectorClusterId, List<Peer> peers, List<String> pools) {

    /**
     * One BGPPeer for this node only (spec.node), peering with {@code peerIp}.
     *
     * @param name the BGPPeer's name
     * @param peerIp spec.peerIP
     * @param asNumber spec.asNumber
     * @param ipv4AndIpv6 IPv4 and IPv6 unicast over the one session (annotation bgp.tabby.dev/address-families)
     * @param passwordFile the TCP MD5 password's file (annotation bgp.tabby.dev/password-file), or null
     * @param maxPrefixes the prefix limit (annotation bgp.tabby.dev/max-prefixes), or null
     */
    public record Peer(String name, String peerIp, long asNumber, boolean ipv4AndIpv6, String passwordFile,
            Integer maxPrefixes) {
        public static Peer of(String name, String peerIp, long asNumber) {
            return new Peer(name, peerIp, asNumber, false, null, null);
        }

        public Peer withIpv4AndIpv6() {
            return new Peer(name, peerIp, asNumber, true, passwordFile, maxPrefixes);
        }

        public Peer withPasswordFile(String file) {
            return new Peer(name, peerIp, asNumber, ipv4AndIpv6, file, maxPrefixes);
        }

        public Peer withMaxPrefixes(int max) {
            return new Peer(name, peerIp, asNumber, ipv4AndIpv6, passwordFile, max);
        }
    }

    public SpeakerConfig {
        peers = List.copyOf(peers);
        pools = List.copyOf(pools);
    }

    /** A node with no peers, no pools and no route reflector cluster. */
    public static SpeakerConfig of(String node, long asNumber, String ipv4Address, String ipv6Address) {
        return new SpeakerConfig(node, asNumber, ipv4Address, ipv6Address, null, List.of(), List.of());
    }

    public SpeakerConfig withPeer(Peer peer) {
        List<Peer> all = new ArrayList<>(peers);
        all.add(peer);
        return new SpeakerConfig(node, asNumber, ipv4Address, ipv6Address, routeReflectorClusterId, all, pools);
    }

    public SpeakerConfig withPool(String cidr) {
        List<String> all = new ArrayList<>(pools);
        all.add(cidr);
        return new SpeakerConfig(node, asNumber, ipv4Address, ipv6Address, routeReflectorClusterId, peers, all);
    }

    public SpeakerConfig asRouteReflector(String clusterId) {
        return new SpeakerConfig(node, asNumber, ipv4Address, ipv6Address, clusterId, peers, pools);
    }

    /** The file's text: YAML documents separated by {@code ---}. */
    public String yaml() {
        StringBuilder b = new StringBuilder("# Written by Tabby's testbed for a standalone bgp-speaker.\n");
        b.append("apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata:\n  name: default\nspec:\n")
                .append("  asNumber: ").append(asNumber).append("\n  nodeToNodeMeshEnabled: false\n");
        b.append("---\napiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: ").append(node)
                .append("\nspec:\n  bgp:\n    ipv4Address: ").append(ipv4Address).append('\n');
        if (ipv6Address != null) {
            b.append("    ipv6Address: ").append(ipv6Address).append('\n');
        }
        if (routeReflectorClusterId != null) {
            b.append("    routeReflectorClusterID: ").append(routeReflectorClusterId).append('\n');
        }
        for (Peer p : peers) {
            b.append("---\napiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: ").append(p.name())
                    .append('\n');
            List<String> annotations = new ArrayList<>();
            if (p.ipv4AndIpv6()) {
                annotations.add("bgp.tabby.dev/address-families: \"ipv4,ipv6\"");
            }
            if (p.passwordFile() != null) {
                annotations.add("bgp.tabby.dev/password-file: \"" + p.passwordFile() + "\"");
            }
            if (p.maxPrefixes() != null) {
                annotations.add("bgp.tabby.dev/max-prefixes: \"" + p.maxPrefixes() + "\"");
            }
            if (!annotations.isEmpty()) {
                b.append("  annotations:\n");
                annotations.forEach(a -> b.append("    ").append(a).append('\n'));
            }
            b.append("spec:\n  node: ").append(node).append("\n  peerIP: ").append(p.peerIp())
                    .append("\n  asNumber: ").append(p.asNumber()).append('\n');
        }
        for (int i = 0; i < pools.size(); i++) {
            b.append("---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool-").append(i + 1)
                    .append("\nspec:\n  cidr: ").append(pools.get(i))
                    .append("\n  ipipMode: Never\n  vxlanMode: Never\n  natOutgoing: false\n");
        }
        return b.toString();
    }
}
