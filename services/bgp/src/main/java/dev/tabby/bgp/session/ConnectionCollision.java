package dev.tabby.bgp.session;

import dev.tabby.bgp.wire.Notification;

/**
 * Connection collision resolution (RFC 4271 section 6.8): two connections to one peer, one each way; which one
 * closes. The closed one is sent Cease, subcode Connection Collision Resolution (RFC 4486 section 4), which is the
 * FSM's {@link SessionEvent.CollisionDump}.
 */
public final class ConnectionCollision {
    /** Which connection to close, by who opened it. */
    public enum Close { LOCALLY_INITIATED, REMOTELY_INITIATED, NEW_CONNECTION }

    public static final int CEASE_SUBCODE = Notification.CEASE_CONNECTION_COLLISION_RESOLUTION;

    private ConnectionCollision() {
    }

    /**
     * RFC 4271 section 6.8: the BGP Identifiers compare as unsigned 32-bit integers; if the local one is lower, the
     * connection this speaker opened closes, else the one the peer opened closes. When the existing connection is
     * already Established, the new one closes instead (the section's rule "unless allowed via configuration").
     */
    public static Close resolve(int localIdentifier, int remoteIdentifier, SessionState existing) {
        if (existing == SessionState.ESTABLISHED) {
            return Close.NEW_CONNECTION;
        }
        return Integer.compareUnsigned(localIdentifier, remoteIdentifier) < 0
                ? Close.LOCALLY_INITIATED : Close.REMOTELY_INITIATED;
    }
}
