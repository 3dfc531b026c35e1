package dev.tabby.renderer.flows;

/**
 * A connection as conntrack names its original direction (protocol, source and destination address and port), with
 * what tells connections on the same five-tuple apart: the id of its conntrack entry (CTA_ID) when the kernel attaches
 * entries to logged packets, else a TCP connection's initial sequence number from its SYN. A retransmitted first
 * packet repeats both; a new connection on a reused five-tuple (a client reusing its port before conntrack told of the
 * previous connection's end) has others.
 *
 * @param ctId   the conntrack entry's id, or {@link #NO_ID}
 * @param synSeq the SYN's sequence number, or {@link #NO_SEQ} (not TCP, or not a SYN)
 */
record ConnectionKey(int protocol, String src, int srcPort, String dst, int dstPort, long ctId, long synSeq) {
    static final long NO_ID = -1;
    static final long NO_SEQ = -1;

    /** A connection known by its five-tuple alone. */
    ConnectionKey(int protocol, String src, int srcPort, String dst, int dstPort) {
        this(protocol, src, srcPort, dst, dstPort, NO_ID, NO_SEQ);
    }

    /** A connection known by its five-tuple and conntrack id (a connection's end). */
    ConnectionKey(int protocol, String src, int srcPort, String dst, int dstPort, long ctId) {
        this(protocol, src, srcPort, dst, dstPort, ctId, NO_SEQ);
    }

    boolean hasId() {
        return ctId != NO_ID;
    }

    /** The five-tuple alone. */
    ConnectionKey tuple() {
        return ctId == NO_ID && synSeq == NO_SEQ ? this : new ConnectionKey(protocol, src, srcPort, dst, dstPort);
    }

    /**
     * Whether {@code other}, on the same five-tuple, is this same connection: by conntrack id when both have one, else
     * by SYN sequence number when both have one, else (nothing tells them apart) yes.
     */
    boolean sameConnection(ConnectionKey other) {
        if (hasId() && other.hasId()) {
            return ctId == other.ctId;
        }
        if (synSeq != NO_SEQ && other.synSeq != NO_SEQ) {
            return synSeq == other.synSeq;
        }
        return true;
    }

    /** A hash of protocol and ports, as the conntrack reader can read them from a message without decoding it. */
    static int portsHash(int protocol, int srcPort, int dstPort) {
        return (srcPort * 31 + dstPort) * 31 + protocol;
    }
}
