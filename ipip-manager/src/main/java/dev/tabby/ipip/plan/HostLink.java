package dev.tabby.ipip.plan;

import dev.tabby.model.net.IpAddress;
import java.util.List;

/**
 * One interface of the host as the plan needs it: the host MTU, and the interface holding the node's address (the
 * one CrossSubnet's direct routes leave through).
 *
 * @param index          ifindex
 * @param name           interface name
 * @param mtu            its MTU
 * @param ipv4Addresses  the IPv4 addresses on it, without prefix length
 */
public record HostLink(int index, String name, int mtu, List<IpAddress> ipv4Addresses) {
    public HostLink {
        ipv4Addresses = List.copyOf(ipv4Addresses);
    }
}
