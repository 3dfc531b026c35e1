package dev.tabby.netlink;

import dev.tabby.model.net.IpAddress;

/**
 * A forwarding-database entry on a VXLAN device (AF_BRIDGE, NTF_SELF): frames for {@code mac} go to the VTEP at
 * {@code remote}: {@code bridge fdb append MAC dev vxlan.calico dst REMOTE self permanent}.
 */
public record Fdb(int linkIndex, MacAddress mac, IpAddress remote) {
}
