package dev.tabby.ipip.plan;

import dev.tabby.model.net.IpAddress;

/**
 * How tunl0 must look on this node (Felix's ipip_mgr.go configureIPIPDevice).
 *
 * @param tunnelAddress  this node's {@code spec.bgp.ipv4IPIPTunnelAddr}, the device's only IPv4 address, as a /32
 * @param mtu            device MTU
 */
public record TunnelSpec(IpAddress tunnelAddress, int mtu) {
    /**
     * The kernel's fallback IP-in-IP device, which loading the ipip module creates in every namespace. Calico uses it
     * rather than a device of its own, and so does Tabby: a second ipip device with no local or remote address would
     * clash with it.
     */
    public static final String NAME = "tunl0";
}
