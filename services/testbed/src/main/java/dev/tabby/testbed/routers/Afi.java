package dev.tabby.testbed.routers;

import dev.tabby.model.net.Cidr;

/** The address family of a unicast route: what {@link Router#routes} is asked for. */
public enum Afi {
    IPV4,
    IPV6;

    /** The family of {@code prefix} (a CIDR). */
    public static Afi of(String prefix) {
        return Cidr.parse(prefix).isV4() ? IPV4 : IPV6;
    }

    /** The family of a bare address. */
    public static Afi ofAddress(String address) {
        return address.contains(":") ? IPV6 : IPV4;
    }
}
