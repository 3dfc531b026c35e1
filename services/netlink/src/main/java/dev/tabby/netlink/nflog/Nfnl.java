package dev.tabby.netlink.nflog;

/**
 * nfnetlink numbers, from the kernel's uapi headers linux/netfilter/nfnetlink.h, nfnetlink_log.h and
 * nfnetlink_conntrack.h. Every nfnetlink message starts with struct nfgenmsg (u8 family, u8 version, be16 res_id);
 * its type is the subsystem in the high byte and the subsystem's message in the low byte. Numbers inside attributes
 * are in network byte order.
 */
final class Nfnl {
    static final int NFGENMSG_LEN = 4;
    static final int NFNETLINK_V0 = 0;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int SUBSYS_CTNETLINK = 1;
    static final int SUBSYS_ULOG = 4;

    // nfnetlink_log.h: enum nfulnl_msg_types
    static final int NFULNL_MSG_PACKET = SUBSYS_ULOG << 8;
    static final int NFULNL_MSG_CONFIG = SUBSYS_ULOG << 8 | 1;

    // enum nfulnl_attr_type (attributes of a logged packet)
    static final int NFULA_PACKET_HDR = 1;
    static final int NFULA_IFINDEX_INDEV = 4;
    static final int NFULA_IFINDEX_OUTDEV = 5;
    static final int NFULA_PAYLOAD = 9;
    static final int NFULA_PREFIX = 10;
    /** The packet's conntrack entry, as nested ctnetlink attributes (CTA_*), when NFULNL_CFG_F_CONNTRACK is set. */
    static final int NFULA_CT = 18;

    // enum nfulnl_attr_config
    static final int NFULA_CFG_CMD = 1;
    static final int NFULA_CFG_MODE = 2;
    static final int NFULA_CFG_NLBUFSIZ = 3;
    static final int NFULA_CFG_TIMEOUT = 4;
    static final int NFULA_CFG_QTHRESH = 5;
    static final int NFULA_CFG_FLAGS = 6;
    /** NFULA_CFG_FLAGS bit (be16): attach the packet's conntrack entry as NFULA_CT. */
    static final int NFULNL_CFG_F_CONNTRACK = 0x0004;

    // enum nfulnl_msg_config_cmds
    static final int NFULNL_CFG_CMD_BIND = 1;
    static final int NFULNL_CFG_CMD_UNBIND = 2;

    static final int NFULNL_COPY_PACKET = 2;

    // nfnetlink.h: enum nfnetlink_groups (bind() takes bit group-1)
    static final int NFNLGRP_CONNTRACK_NEW = 1;
    static final int NFNLGRP_CONNTRACK_UPDATE = 2;
    static final int NFNLGRP_CONNTRACK_DESTROY = 3;

    // nfnetlink_conntrack.h: enum cntl_msg_types
    static final int IPCTNL_MSG_CT_NEW = SUBSYS_CTNETLINK << 8;
    static final int IPCTNL_MSG_CT_GET = SUBSYS_CTNETLINK << 8 | 1;
    static final int IPCTNL_MSG_CT_DELETE = SUBSYS_CTNETLINK << 8 | 2;

    // enum ctattr_type
    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_COUNTERS_ORIG = 9;
    static final int CTA_COUNTERS_REPLY = 10;
    /** be32: the entry's id, stable for its life (a hash of the entry's address and original tuple). */
    static final int CTA_ID = 12;
    // enum ctattr_tuple
    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    // enum ctattr_ip
    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    // enum ctattr_l4proto
    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;
    // enum ctattr_counters
    static final int CTA_COUNTERS_PACKETS = 1;
    static final int CTA_COUNTERS_BYTES = 2;

    private Nfnl() {
    }
}
