package dev.tabby.bgp.session;

import dev.tabby.bgp.wire.BgpMessage;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.Update;
import java.time.Duration;

/** What the owner of a session must do, in the order the FSM returns them. */
public sealed interface SessionAction {
    /** Send this message on the session's connection. */
    record Send(BgpMessage message) implements SessionAction {
    }

    /** Start the timer with this duration; a timer already running is restarted with it. */
    record StartTimer(SessionTimer timer, Duration duration) implements SessionAction {
    }

    /** Stop the timer; an expiry already queued must not be delivered. */
    record StopTimer(SessionTimer timer) implements SessionAction {
    }

    /** Initiate a TCP connection to the peer (port 179). */
    record OpenConnection() implements SessionAction {
    }

    /** Listen for the peer's TCP connection (passive). */
    record ListenForConnection() implements SessionAction {
    }

    /** Send what is queued (a NOTIFICATION) and then close the TCP connection. */
    record CloseConnection() implements SessionAction {
    }

    /** Close the TCP connection at once; nothing more is sent on it. */
    record DropConnection() implements SessionAction {
    }

    /** Hand a received UPDATE to the RIB. */
    record DeliverUpdate(Update update) implements SessionAction {
    }

    /** The session reached Established with these negotiated parameters. */
    record SessionEstablished(Negotiated negotiated, int holdTimeSeconds) implements SessionAction {
    }

    /**
     * The session went back to Idle. When {@code wasEstablished} the routes learnt from the peer must be withdrawn
     * (RFC 4271 section 8.2.2, "deletes all routes associated with this connection").
     */
    record SessionDown(String reason, boolean wasEstablished) implements SessionAction {
    }
}
