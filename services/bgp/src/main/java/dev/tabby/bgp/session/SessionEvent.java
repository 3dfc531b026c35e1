package dev.tabby.bgp.session;

import dev.tabby.bgp.wire.BgpDecodeException;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Open;
import dev.tabby.bgp.wire.Update;

/** What happened to a session: the events of RFC 4271 section 8.1 that Tabby uses (its event number in brackets). */
public sealed interface SessionEvent {
    /** ManualStart (1) or, with {@code passive}, ManualStart_with_PassiveTcpEstablishment (4). */
    record ManualStart(boolean passive) implements SessionEvent {
    }

    /** ManualStop (2), with an optional RFC 9003 Shutdown Communication ("" for none). */
    record ManualStop(String shutdownCommunication) implements SessionEvent {
        public ManualStop {
            shutdownCommunication = shutdownCommunication == null ? "" : shutdownCommunication;
        }
    }

    /**
     * AutomaticStop (8): the speaker ends the session on its own account (a maximum-prefix limit passed, the peer
     * deconfigured), telling the peer why with this NOTIFICATION once the OPEN has been sent.
     */
    record AutomaticStop(Notification notification) implements SessionEvent {
    }

    /** AutomaticStart (3) or, with {@code passive}, AutomaticStart_with_PassiveTcpEstablishment (5). */
    record AutomaticStart(boolean passive) implements SessionEvent {
    }

    /** ConnectRetryTimer_Expires (9), HoldTimer_Expires (10), KeepaliveTimer_Expires (11). */
    record TimerExpired(SessionTimer timer) implements SessionEvent {
    }

    /** Tcp_CR_Acked (16): the connection this speaker opened is up. */
    record TcpCrAcked() implements SessionEvent {
    }

    /** TcpConnectionConfirmed (17): a connection the peer opened is up. */
    record TcpConnectionConfirmed() implements SessionEvent {
    }

    /** TcpConnectionFails (18). */
    record TcpConnectionFails() implements SessionEvent {
    }

    /** BGPOpen (19): a well-formed OPEN; the checks the codec does not do are the FSM's. */
    record OpenReceived(Open open) implements SessionEvent {
    }

    /** KeepAliveMsg (26). */
    record KeepaliveReceived() implements SessionEvent {
    }

    /** UpdateMsg (27). */
    record UpdateReceived(Update update) implements SessionEvent {
    }

    /** NotifMsg (25) and NotifMsgVerErr (24). */
    record NotificationReceived(Notification notification) implements SessionEvent {
    }

    /** BGPHeaderErr (21), BGPOpenMsgErr (22), UpdateMsgErr (28): the codec refused what the peer sent. */
    record DecodeError(BgpDecodeException error) implements SessionEvent {
    }

    /** OpenCollisionDump (23): {@link ConnectionCollision} chose this connection to close. */
    record CollisionDump() implements SessionEvent {
    }

    /**
     * This speaker sent an UPDATE on the session: not an RFC 4271 event, but section 10 restarts the KeepaliveTimer
     * on every UPDATE sent, so the FSM must hear of it.
     */
    record UpdateSent() implements SessionEvent {
    }
}
