package dev.tabby.bgpspeaker.config;

import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.List;
import java.util.Map;

/**
 * The resources the BGP configuration of a node is computed from, as the datastore holds them at one moment: what
 * Calico's BGP syncer (libcalico-go lib/backend/syncersv1/bgpsyncer) gives confd (IPPools, BGPConfigurations, Nodes,
 * BGPPeers, this node's block affinities), plus the WorkloadEndpoints whose routes BIRD would learn from Felix.
 *
 * @param bgpConfigurations by name: {@code default} and {@code node.<name>}
 * @param affinities        block affinities (the builder uses this node's only)
 * @param workloadEndpoints workload endpoints (the builder uses this node's only)
 */
public record DatastoreSnapshot(Map<String, BGPConfiguration> bgpConfigurations, List<Node> nodes,
                                List<BGPPeer> peers, List<IPPool> pools, List<HostAffinity> affinities,
                                List<WorkloadEndpoint> workloadEndpoints) {
    public DatastoreSnapshot {
        bgpConfigurations = Map.copyOf(bgpConfigurations);
        nodes = List.copyOf(nodes);
        peers = List.copyOf(peers);
        pools = List.copyOf(pools);
        affinities = List.copyOf(affinities);
        workloadEndpoints = List.copyOf(workloadEndpoints);
    }

    public static DatastoreSnapshot empty() {
        return new DatastoreSnapshot(Map.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
