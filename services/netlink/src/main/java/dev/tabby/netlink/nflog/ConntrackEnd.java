package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;

/**
 * A conntrack entry as it ended (a DESTROY event) or as it stands (a dump): the original direction's five-tuple and
 * the packet and byte counts of both directions. Counts are 0 unless net.netfilter.nf_conntrack_acct was 1 in the
 * namespace when the connection began; see {@link ConntrackEvents#enableAccounting}.
 *
 * @param protocol the IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...)
 * @param src      the source address of the original direction (the side that opened the connection)
 * @param srcPort  the original direction's source port; 0 for protocols without ports
 * @param id       the entry's id (CTA_ID), as the NFLOG packets of the connection carry it ({@link NflogPacket#ctId()});
 *                 {@link NflogPacket#NO_CT_ID} when the message had none
 */
public record ConntrackEnd(int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort, long origPackets,
        long origBytes, long replyPackets, long replyBytes, long id) {
    /** An entry without its id. */
    public ConntrackEnd(int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort, long origPackets,
            long origBytes, long replyPackets, long replyBytes) {
        this(protocol, src, dst, srcPort, dstPort, origPackets, origBytes, replyPackets, replyBytes, NflogPacket.NO_CT_ID);
    }
}
