package dev.tabby.bgp.transport;

/**
 * A BGPPeer's password file or hop limit that cannot be used. One line naming the peer, the annotation and what is
 * wrong, with the remedy; never the password.
 */
public final class PeerSecretException extends Exception {
    private static final long serialVersionUID = 1L;

    public PeerSecretException(String message) {
        super(message, null, false, false);
    }
}
