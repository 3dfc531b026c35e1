package dev.tabby.netlink.nflog;

import dev.tabby.model.net.IpAddress;

/**
 * One ended conntrack entry read in place from the receive buffer into this one reused object, as {@link NflogView}
 * is for logged packets: the conntrack reader makes no object per event. Valid only inside the handler call that hands
 * it over. Addresses are held as {@link NflogView}'s are (two longs; IPv4 in the low 32 bits of {@code lo}); the
 * fields mean what {@link ConntrackEnd}'s do.
 */
public final class ConntrackEndView {
    int protocol;
    boolean ipv6;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int srcPort;
    int dstPort;
    long origPackets;
    long origBytes;
    long replyPackets;
    long replyBytes;
    long id;

    void clear() {
        protocol = 0;
        ipv6 = false;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        srcPort = 0;
        dstPort = 0;
        origPackets = 0;
        origBytes = 0;
        replyPackets = 0;
        replyBytes = 0;
        id = NflogPacket.NO_CT_ID;
    }

    public int protocol() {
        return protocol;
    }

    public boolean ipv6() {
        return ipv6;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    public long origPackets() {
        return origPackets;
    }

    public long origBytes() {
        return origBytes;
    }

    public long replyPackets() {
        return replyPackets;
    }

    public long replyBytes() {
        return replyBytes;
    }

    /** CTA_ID, or {@link NflogPacket#NO_CT_ID}. */
    public long id() {
        return id;
    }

    public IpAddress src() {
        return NflogView.address(ipv6, srcHi, srcLo);
    }

    public IpAddress dst() {
        return NflogView.address(ipv6, dstHi, dstLo);
    }

    /** This end as a record that outlives the handler call (allocates). */
    public ConntrackEnd toEnd() {
        return new ConntrackEnd(protocol, src(), dst(), srcPort, dstPort, origPackets, origBytes, replyPackets,
                replyBytes, id);
    }
}
