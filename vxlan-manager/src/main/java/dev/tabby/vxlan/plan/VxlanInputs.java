package dev.tabby.vxlan.plan;

import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.IPPool;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Everything the plan is computed from. The collections are read, never kept: the caller may hand in its live maps.
 *
 * @param thisNode    the node this manager programs
 * @param pools       every IPPool
 * @param nodes       every Node (as {@link NodeFacts}), by name
 * @param felix       the merged FelixConfiguration settings
 * @param blocks      every IPv4 IPAM block (not deleted), as routing reads it: affinity and borrowed addresses
 * @param hostLinks   this node's interfaces
 */
public record VxlanInputs(String thisNode, Collection<IPPool> pools, Map<String, NodeFacts> nodes, FelixSettings felix,
                          Map<Cidr, RoutableBlock> blocks, List<HostLink> hostLinks) {
}
