package dev.tabby.vxlan.plan;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;

/**
 * A route to one remote IPAM block, or to one address borrowed from a block (a /32 to the node it was allocated for).
 *
 * @param destination   the block, or the borrowed address as a /32
 * @param node          the node the block is affine to, or that holds the borrowed address
 * @param gateway       the node's tunnel address (encapsulated) or its underlay address (direct)
 * @param device        vxlan.calico, or the parent interface for a direct route
 * @param encapsulated  via vxlan.calico, onlink; false for CrossSubnet's direct route to a same-subnet node
 */
public record PlannedRoute(Cidr destination, String node, IpAddress gateway, String device, boolean encapsulated) {
}
