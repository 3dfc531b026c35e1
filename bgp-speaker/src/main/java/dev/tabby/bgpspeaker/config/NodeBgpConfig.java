package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.config.SkippedPeer;
import dev.tabby.bgp.speaker.Origination;
import dev.tabby.bgp.speaker.PeerConfig;
import java.util.List;

/**
 * Everything the speaker of one node needs from the datastore: what confd v3.18 renders into bird.cfg, bird6.cfg,
 * bird_aggr.cfg and bird_ipam.cfg (and their IPv6 twins) for that node.
 *
 * @param node         this node's name
 * @param routerId     bird.cfg.template "router id": CALICO_ROUTER_ID's value, a hash of the node name for "hash",
 *                     else the node's IPv4 address; null when none of these exists (BIRD would refuse to start)
 * @param localAs      the node's AS number, else BGPConfiguration default's, else 64512
 * @param clusterId    Node spec.bgp.routeReflectorClusterID; null when the node is no route reflector
 * @param listenPort   BGPConfiguration node.&lt;name&gt; listenPort, else default's, else 179
 * @param logLevel     BIRD's level from logSeverityScreen (node.&lt;name&gt; over default): debug, info or none
 * @param peers        the sessions, in bird.cfg then bird6.cfg order (mesh, global, node-specific)
 * @param skipped      peerings considered and left out, each with its reason
 * @param originations the routes exported to peers (filter calico_export_to_bgp_peers), in address order
 * @param kernel       inputs of the kernel side (pools, subnets, blocks, service CIDRs)
 * @param warnings     resources or fields that could not be used, one line each
 * @param ipv4Address  the node's IPv4 address (spec.bgp.ipv4Address without the length), null when unset
 * @param ipv6Address  the node's IPv6 address, null when unset: the next hop of IPv6 routes we originate
 */
public record NodeBgpConfig(String node, String routerId, long localAs, String clusterId, int listenPort,
                            String logLevel, List<ConfiguredPeer> peers, List<SkippedPeer> skipped,
                            List<Origination> originations, KernelInputs kernel, List<String> warnings,
                            String ipv4Address, String ipv6Address) {
    public static final int DEFAULT_PORT = 179;

    public NodeBgpConfig {
        peers = List.copyOf(peers);
        skipped = List.copyOf(skipped);
        originations = List.copyOf(originations);
        warnings = List.copyOf(warnings);
    }

    /** The speaker's peer list. */
    public List<PeerConfig> peerConfigs() {
        return peers.stream().map(ConfiguredPeer::config).toList();
    }
}
