package dev.tabby.policy.explain;

import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.WorkloadEndpoint;

import java.util.List;

/**
 * Everything a flow's verdict depends on, as model objects: the resources the policy calculation reads (every
 * endpoint in the cluster and every network set, because selectors match peers anywhere), the Nodes (to tell a
 * workload's own host from other peers) and the workload chain's settings from FelixConfiguration.
 */
public record Cluster(
        List<WorkloadEndpoint> workloadEndpoints,
        List<HostEndpoint> hostEndpoints,
        List<NetworkSet> networkSets,
        List<GlobalNetworkSet> globalNetworkSets,
        List<NetworkPolicy> networkPolicies,
        List<GlobalNetworkPolicy> globalNetworkPolicies,
        List<Profile> profiles,
        List<Node> nodes,
        WorkloadChainSettings settings) {

    public Cluster {
        workloadEndpoints = List.copyOf(workloadEndpoints);
        hostEndpoints = List.copyOf(hostEndpoints);
        networkSets = List.copyOf(networkSets);
        globalNetworkSets = List.copyOf(globalNetworkSets);
        networkPolicies = List.copyOf(networkPolicies);
        globalNetworkPolicies = List.copyOf(globalNetworkPolicies);
        profiles = List.copyOf(profiles);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        settings = settings == null ? WorkloadChainSettings.DEFAULTS : settings;
    }
}
