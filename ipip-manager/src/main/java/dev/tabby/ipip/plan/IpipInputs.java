package dev.tabby.ipip.plan;

import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.IPPool;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Everything the plan is computed from. The collections are read, never kept.
 *
 * @param thisNode    the node this manager programs
 * @param pools       every IPPool
 * @param nodes       every Node, by name
 * @param settings    the merged FelixConfiguration settings
 * @param blocks      every IPv4 IPAM block as routing reads it
 * @param claim       bgp-speaker's route claim for this node ({@code kernel} state), or null when none is held
 * @param hostLinks   this node's interfaces
 */
public record IpipInputs(String thisNode, Collection<IPPool> pools, Map<String, IpipNode> nodes, IpipSettings settings,
                         Map<Cidr, RoutableBlock> blocks, String claim, List<HostLink> hostLinks) {
}
