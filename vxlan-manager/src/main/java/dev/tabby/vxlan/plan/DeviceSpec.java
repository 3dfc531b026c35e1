package dev.tabby.vxlan.plan;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.MacAddress;

/**
 * How vxlan.calico must look on this node.
 *
 * @param vni            VXLAN network identifier
 * @param port           UDP destination port
 * @param tunnelAddress  this node's {@code ipv4VXLANTunnelAddr}, put on the device as a /32
 * @param mac            this node's tunnel MAC (what the other nodes' FDB and ARP entries name)
 * @param parent         the interface holding the node address, which carries the encapsulated packets
 * @param parentIndex    its ifindex
 * @param parentAddress  the node address ({@code Node.spec.bgp.ipv4Address}), the VXLAN source address
 * @param mtu            device MTU
 */
public record DeviceSpec(int vni, int port, IpAddress tunnelAddress, MacAddress mac, String parent, int parentIndex,
                         IpAddress parentAddress, int mtu) {
    /** Calico's name, on purpose: operators' NetworkManager and firewall set-ups name it. */
    public static final String NAME = "vxlan.calico";
}
