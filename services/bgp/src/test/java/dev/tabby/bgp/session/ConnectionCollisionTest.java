package dev.tabby.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.bgp.session.ConnectionCollision.Close;
import dev.tabby.bgp.session.SessionAction.CloseConnection;
import dev.tabby.bgp.session.SessionAction.Send;
import dev.tabby.bgp.session.SessionEvent.CollisionDump;
import dev.tabby.bgp.wire.Notification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connection collision resolution, RFC 4271 section 6.8, and the Cease it sends (RFC 4486 section 4). */
class ConnectionCollisionTest {
    @Test
    void lowerLocalIdentifierClosesTheConnectionItOpened() {
        assertEquals(Close.LOCALLY_INITIATED,
                ConnectionCollision.resolve(Sessions.LOCAL_ID, Sessions.PEER_ID, SessionState.OPEN_CONFIRM));
    }

    @Test
    void higherLocalIdentifierClosesTheConnectionThePeerOpened() {
        assertEquals(Close.REMOTELY_INITIATED,
                ConnectionCollision.resolve(Sessions.PEER_ID, Sessions.LOCAL_ID, SessionState.OPEN_CONFIRM));
    }

    /** The identifiers are unsigned: 200.0.0.1 is higher than 10.0.0.1 though negative as a Java int. */
    @Test
    void identifiersCompareUnsigned() {
        int high = 0xC8000001;
        assertEquals(Close.REMOTELY_INITIATED, ConnectionCollision.resolve(high, Sessions.LOCAL_ID,
                SessionState.OPEN_SENT));
        assertEquals(Close.LOCALLY_INITIATED, ConnectionCollision.resolve(Sessions.LOCAL_ID, high,
                SessionState.OPEN_SENT));
    }

    @Test
    void anEstablishedSessionKeepsItsConnection() {
        assertEquals(Close.NEW_CONNECTION,
                ConnectionCollision.resolve(Sessions.LOCAL_ID, Sessions.PEER_ID, SessionState.ESTABLISHED));
    }

    @Test
    void theDumpedConnectionIsSentCeaseSeven() {
        for (SessionState s : List.of(SessionState.OPEN_SENT, SessionState.OPEN_CONFIRM)) {
            SessionFsm fsm = Sessions.in(s);
            List<SessionAction> actions = fsm.handle(new CollisionDump());
            assertEquals(new Send(new Notification(Notification.CEASE, 7, null)), actions.get(0), s.toString());
            assertEquals(new CloseConnection(), actions.get(1), s.toString());
            assertEquals(SessionState.IDLE, fsm.state(), s.toString());
        }
    }
}
