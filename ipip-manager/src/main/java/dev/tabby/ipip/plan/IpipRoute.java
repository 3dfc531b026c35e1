package dev.tabby.ipip.plan;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;

/**
 * A route to one remote IPAM block, or to one address borrowed from a block.
 *
 * @param destination   the block, or the borrowed address as a /32
 * @param node          the node serving it
 * @param gateway       that node's underlay address ({@code spec.bgp.ipv4Address})
 * @param device        tunl0, or the interface holding this node's address for a direct route
 * @param encapsulated  {@code via G dev tunl0 onlink}; false for CrossSubnet's direct route to a same-subnet node
 * @param linkIndex     the direct route's interface index; 0 for a tunl0 route (tunl0's is known once it exists)
 */
public record IpipRoute(Cidr destination, String node, IpAddress gateway, String device, boolean encapsulated,
                        int linkIndex) {
}
