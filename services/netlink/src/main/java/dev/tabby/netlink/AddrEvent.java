package dev.tabby.netlink;

/**
 * An address added to or removed from a link, from RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR. The kernel also sends
 * RTM_NEWADDR when an existing address changes (flags, lifetimes), so {@link Type#NEW} means "added or changed".
 */
public record AddrEvent(Type type, Addr addr) {
    public enum Type { NEW, DEL }
}
