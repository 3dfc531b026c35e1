package dev.tabby.netlink;

/**
 * The rtnetlink multicast groups a {@link Netlink#subscribe} can join: RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and
 * RTNLGRP_IPV6_IFADDR (linux/rtnetlink.h). Felix v3.18 learns interface addresses from the local-table routes the
 * kernel adds for them (ifacemonitor/iface_monitor.go, handleNetlinkRouteUpdate); the address groups say the same
 * directly, with the prefix length and flags the routes lack.
 */
public enum EventGroup {
    LINK(1),
    IPV4_ADDRESS(5),
    IPV6_ADDRESS(9);

    private final int group;

    EventGroup(int group) {
        this.group = group;
    }

    /** The bit bind() takes for this group (RTMGRP_LINK 0x1, RTMGRP_IPV4_IFADDR 0x10, RTMGRP_IPV6_IFADDR 0x100). */
    int bindMask() {
        return 1 << (group - 1);
    }
}
