package dev.tabby.netlink.raw;

/** Netlink and rtnetlink numbers from linux/netlink.h and linux/rtnetlink.h. */
public final class Nl {
    public static final int HEADER_LEN = 16;

    // nlmsg_type values of the netlink core
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    // nlmsg_flags
    public static final int F_REQUEST = 0x01;
    public static final int F_MULTI = 0x02;
    public static final int F_ACK = 0x04;
    public static final int F_DUMP_INTR = 0x10;
    public static final int F_DUMP = 0x300;
    public static final int F_REPLACE = 0x100;
    public static final int F_EXCL = 0x200;
    public static final int F_CREATE = 0x400;
    public static final int F_APPEND = 0x800;
    /** On NLMSG_ERROR: the echoed request was cut to its header (NETLINK_CAP_ACK). */
    public static final int F_CAPPED = 0x100;
    /** On NLMSG_ERROR: extended-ACK attributes follow. */
    public static final int F_ACK_TLVS = 0x200;

    public static final int NLMSGERR_ATTR_MSG = 1;

    // setsockopt(SOL_NETLINK, ...)
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    // rtnetlink message types
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;

    private Nl() {
    }

    /** Attribute and message lengths are padded to 4 bytes (NLMSG_ALIGN, RTA_ALIGN). */
    public static int align(int len) {
        return (len + 3) & ~3;
    }
}
