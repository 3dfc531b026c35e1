package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;

/**
 * One packet an iptables NFLOG rule logged, as far as flow logs need it: the rule (group and prefix) and the packet's
 * five-tuple. Interfaces are kernel ifindexes of the socket's network namespace (0 when the hook has none: no input
 * interface on OUTPUT, no output interface on INPUT); the caller maps them to names if it wants them.
 *
 * @param group      the NFLOG group of the rule (--nflog-group)
 * @param prefix     the rule's --nflog-prefix, "" when it has none
 * @param protocol   the IP protocol number of the transport header (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...)
 * @param srcPort    the transport source port; 0 for protocols without ports (ICMP), a non-first fragment, or a
 *                   payload cut before the ports
 * @param dstPort    as srcPort, the destination port
 * @param length     the IP total length (IPv6: 40 + payload length) of the packet, not what was copied
 * @param inIfindex  the ifindex the packet came in on, 0 for none
 * @param outIfindex the ifindex the packet goes out of, 0 for none
 * @param ctId       the id of the packet's conntrack entry (ctnetlink's CTA_ID, the id its DESTROY event carries), or
 *                   {@link #NO_CT_ID} when the kernel attached none (conntrack info not enabled, or no entry; kernels
 *                   built without CONFIG_NETFILTER_NETLINK_GLUE_CT never attach it)
 * @param synSeq     a TCP SYN's sequence number (a retransmission repeats it, a new connection on the same five-tuple
 *                   has another), {@link #NO_SYN} for other packets: what tells connections apart without ctId
 */
public record NflogPacket(int group, String prefix, int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort,
        int length, int inIfindex, int outIfindex, long ctId, long synSeq) {
    /** {@link #ctId()} when the packet came without its conntrack entry. */
    public static final long NO_CT_ID = -1;
    /** {@link #synSeq()} of a packet that is not a TCP SYN. */
    public static final long NO_SYN = IpHeaders.NO_SYN;

    /** A packet that is not a TCP SYN, or whose sequence number is not of interest. */
    public NflogPacket(int group, String prefix, int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort,
            int length, int inIfindex, int outIfindex, long ctId) {
        this(group, prefix, protocol, src, dst, srcPort, dstPort, length, inIfindex, outIfindex, ctId, NO_SYN);
    }

    /** A packet without its conntrack entry's id. */
    public NflogPacket(int group, String prefix, int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort,
            int length, int inIfindex, int outIfindex) {
        this(group, prefix, protocol, src, dst, srcPort, dstPort, length, inIfindex, outIfindex, NO_CT_ID);
    }
}
