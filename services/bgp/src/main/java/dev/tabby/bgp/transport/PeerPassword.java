package dev.tabby.bgp.transport;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * A peer's TCP MD5 password: 1 to 80 octets (TCP_MD5SIG_MAXKEYLEN, include/uapi/linux/tcp.h), used verbatim as the
 * key, as BIRD and FRR use their configured password. It never shows itself: toString and every error name only its
 * length.
 */
public final class PeerPassword {
    /** TCP_MD5SIG_MAXKEYLEN. */
    public static final int MAX_OCTETS = 80;

    private final byte[] octets;

    private PeerPassword(byte[] octets) {
        this.octets = octets;
    }

    /** A password of these octets (copied). */
    public static PeerPassword of(byte[] octets) {
        if (octets.length == 0) {
            throw new IllegalArgumentException("a TCP MD5 password must not be empty");
        }
        if (octets.length > MAX_OCTETS) {
            throw new IllegalArgumentException("a TCP MD5 password of " + octets.length + " octets is longer than the "
                    + MAX_OCTETS + " the kernel accepts (TCP_MD5SIG_MAXKEYLEN)");
        }
        return new PeerPassword(octets.clone());
    }

    public int length() {
        return octets.length;
    }

    /** Whether both are the same password (compared in constant time), e.g. to see that a peer's key changed. */
    public boolean sameAs(PeerPassword other) {
        return MessageDigest.isEqual(octets, other.octets);
    }

    /** Writes the octets at the buffer's position; for {@link TcpMd5} only. */
    void writeTo(ByteBuffer buf) {
        buf.put(octets);
    }

    /** Same password: a peer whose key did not change keeps its session when the configuration is re-read. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerPassword p && sameAs(p);
    }

    /** The length only, so no hash of the key is ever computed. */
    @Override
    public int hashCode() {
        return octets.length;
    }

    @Override
    public String toString() {
        return "PeerPassword[" + octets.length + " octets, redacted]";
    }
}
