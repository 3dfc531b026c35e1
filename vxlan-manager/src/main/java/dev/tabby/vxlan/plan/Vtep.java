package dev.tabby.vxlan.plan;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;

/**
 * A remote VXLAN tunnel endpoint: one ARP entry (tunnel address to MAC) and one FDB entry (MAC to underlay address)
 * on vxlan.calico.
 */
public record Vtep(String node, IpAddress tunnelAddress, MacAddress mac, IpAddress underlayAddress) {
}
