package dev.tabby.netlink.nflog;

/**
 * One ended conntrack entry read in place from the receive buffer into this one reused object, as {@link NflogView}
 * is for logged packets: the conntrack reader makes no object per event. Valid only inside the handler call that hands
 * it over. Its five-tuple is {@link TupleView}'s (the original direction's); the fields mean what
 * {@link ConntrackEnd}'s do.
 */
public final class ConntrackEndView extends TupleView {
    long origPackets;
    long origBytes;
    long replyPackets;
    long replyBytes;
    long id;

    void clear() {
        clearTuple();
        origPackets = 0;
        origBytes = 0;
        replyPackets = 0;
        replyBytes = 0;
        id = NflogPacket.NO_CT_ID;
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

    /** This end as a record that outlives the handler call (allocates). */
    public ConntrackEnd toEnd() {
        return new ConntrackEnd(protocol, src(), dst(), srcPort, dstPort, origPackets, origBytes, replyPackets,
                replyBytes, id);
    }
}
