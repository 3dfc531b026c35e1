package dev.tabby.vxlan.plan;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;

/**
 * A route to one remote IPAM block.
 *
 * @param destination   the block
 * @param node          the node the block is affine to
 * @param gateway       the node's tunnel address (encapsulated) or its underlay address (direct)
 * @param device        vxlan.calico, or the parent interface for a direct route
 * @param encapsulated  via vxlan.calico, onlink; false for CrossSubnet's direct route to a same-subnet node
 */
public record PlannedRoute(Cidr destination, String node, IpAddress gateway, String device, boolean encapsulated) {
}
