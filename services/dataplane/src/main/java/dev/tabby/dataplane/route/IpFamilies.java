package dev.tabby.dataplane.route;

import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.Family;

/** Which address families a route table driver owns. */
public enum IpFamilies {
    IPV4(Family.INET),
    IPV6(Family.INET6),
    BOTH(Family.UNSPEC);

    private final int family;

    IpFamilies(int family) {
        this.family = family;
    }

    /** The family for a route dump: null dumps both. */
    Integer dumpFamily() {
        return family == Family.UNSPEC ? null : family;
    }

    boolean includes(Cidr destination) {
        return this == BOTH || (destination.isV4() == (this == IPV4));
    }
}
