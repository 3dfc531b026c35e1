package dev.tabby.bgp.session;

import static dev.tabby.bgp.session.Sessions.config;
import static dev.tabby.bgp.session.Sessions.in;
import static dev.tabby.bgp.session.Sessions.peerOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.bgp.session.SessionAction.CloseConnection;
import dev.tabby.bgp.session.SessionAction.Send;
import dev.tabby.bgp.session.SessionAction.SessionEstablished;
import dev.tabby.bgp.session.SessionAction.StartTimer;
import dev.tabby.bgp.session.SessionAction.StopTimer;
import dev.tabby.bgp.session.SessionEvent.KeepaliveReceived;
import dev.tabby.bgp.session.SessionEvent.ManualStart;
import dev.tabby.bgp.session.SessionEvent.OpenReceived;
import dev.tabby.bgp.session.SessionEvent.TcpCrAcked;
import dev.tabby.bgp.session.SessionEvent.TimerExpired;
import dev.tabby.bgp.wire.Keepalive;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Open;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OPEN checks left to the session (RFC 4271 section 6.2, RFC 6286) and hold time negotiation (section 4.2). */
class OpenChecksTest {
    private static SessionFsm openSent(int localHold) {
        SessionFsm fsm = new SessionFsm(config(localHold));
        fsm.handle(new ManualStart(false));
        fsm.handle(new TcpCrAcked());
        return fsm;
    }

    @Test
    void holdNinetyEachSideGivesKeepaliveThirty() {
        SessionFsm fsm = openSent(90);
        List<SessionAction> actions = fsm.handle(new OpenReceived(peerOpen(90)));
        assertEquals(new StartTimer(SessionTimer.KEEPALIVE, Duration.ofSeconds(30)), actions.get(1));
        assertEquals(new StartTimer(SessionTimer.HOLD, Duration.ofSeconds(90)), actions.get(2));
    }

    /** The smaller Hold Time wins, whichever side proposed it: 3 s hold, 1 s keepalive. */
    @Test
    void holdThreeIsTheSmallerOfTheTwo() {
        for (int[] holds : new int[][] {{90, 3}, {3, 90}}) {
            SessionFsm fsm = openSent(holds[0]);
            List<SessionAction> actions = fsm.handle(new OpenReceived(peerOpen(holds[1])));
            assertEquals(List.of(new Send(Keepalive.INSTANCE),
                    new StartTimer(SessionTimer.KEEPALIVE, Duration.ofSeconds(1)),
                    new StartTimer(SessionTimer.HOLD, Duration.ofSeconds(3))), actions);
            fsm.handle(new KeepaliveReceived());
            assertEquals(3, fsm.negotiatedHoldTime().orElseThrow());
        }
    }

    /** Hold 0 from either side: no KEEPALIVEs and no hold timer, even the 4-minute one is stopped. */
    @Test
    void holdZeroMeansNoKeepalivesAndNoHoldTimer() {
        SessionFsm fsm = openSent(90);
        assertEquals(List.of(new Send(Keepalive.INSTANCE), new StopTimer(SessionTimer.HOLD)),
                fsm.handle(new OpenReceived(peerOpen(0))));
        List<SessionAction> established = fsm.handle(new KeepaliveReceived());
        assertEquals(List.of(new SessionEstablished(fsm.negotiated().orElseThrow(), 0)), established);
        assertEquals(List.of(), fsm.handle(new KeepaliveReceived()));
        assertEquals(List.of(), fsm.handle(new SessionEvent.UpdateSent()));
        assertEquals(0, fsm.negotiatedHoldTime().orElseThrow());
    }

    @Test
    void peerAsMismatchIsBadPeerAs() {
        SessionFsm fsm = openSent(90);
        Open wrongAs = Open.of(65099, 90, Sessions.PEER_ID, List.of());
        List<SessionAction> actions = fsm.handle(new OpenReceived(wrongAs));
        assertEquals(new Send(new Notification(2, 2, null)), actions.get(0));
        assertEquals(new CloseConnection(), actions.get(1));
        assertEquals(SessionState.IDLE, fsm.state());
    }

    /** RFC 6793: a 4-octet peer sends AS_TRANS in My AS; the capability's AS is the one checked. */
    @Test
    void fourOctetPeerAsIsCheckedFromTheCapability() {
        SessionFsm fsm = new SessionFsm(new SessionConfig(Sessions.LOCAL_AS, Sessions.LOCAL_ID, 90, List.of(),
                4_200_000_000L, SessionConfig.DEFAULT_CONNECT_RETRY));
        fsm.handle(new ManualStart(false));
        fsm.handle(new TcpCrAcked());
        Open peer = Open.of(4_200_000_000L, 90, Sessions.PEER_ID, List.of());
        assertEquals(Open.AS_TRANS, peer.myAs());
        fsm.handle(new OpenReceived(peer));
        assertEquals(SessionState.OPEN_CONFIRM, fsm.state());
    }

    /** RFC 6286 section 2.2: the same BGP Identifier is refused within an AS (iBGP) ... */
    @Test
    void sameIdentifierOverIbgpIsBadBgpIdentifier() {
        SessionFsm fsm = new SessionFsm(new SessionConfig(Sessions.LOCAL_AS, Sessions.LOCAL_ID, 90, List.of(),
                Sessions.LOCAL_AS, SessionConfig.DEFAULT_CONNECT_RETRY));
        fsm.handle(new ManualStart(false));
        fsm.handle(new TcpCrAcked());
        List<SessionAction> actions = fsm.handle(new OpenReceived(
                Open.of(Sessions.LOCAL_AS, 90, Sessions.LOCAL_ID, List.of())));
        assertEquals(new Send(new Notification(2, 3, null)), actions.get(0));
        assertEquals(SessionState.IDLE, fsm.state());
        assertEquals(1, fsm.connectRetryCounter());
    }

    /** ... and allowed between ASes. */
    @Test
    void sameIdentifierOverEbgpIsAccepted() {
        SessionFsm fsm = openSent(90);
        fsm.handle(new OpenReceived(Open.of(Sessions.PEER_AS, 90, Sessions.LOCAL_ID, List.of())));
        assertEquals(SessionState.OPEN_CONFIRM, fsm.state());
    }

    /** The codec refuses Hold Time 1 and 2; an Open built in code is checked again (RFC 4271 section 6.2). */
    @Test
    void holdTimeOneOrTwoIsUnacceptable() {
        for (int hold : new int[] {1, 2}) {
            SessionFsm fsm = openSent(90);
            Open bad = new Open(4, (int) Sessions.PEER_AS, hold, Sessions.PEER_ID, List.of());
            assertEquals(new Send(new Notification(2, 6, null)), fsm.handle(new OpenReceived(bad)).get(0));
            assertEquals(SessionState.IDLE, fsm.state());
        }
    }

    @Test
    void configRefusesHoldOneAndZeroIdentifier() {
        assertThrows(IllegalArgumentException.class, () -> config(2));
        assertThrows(IllegalArgumentException.class, () -> new SessionConfig(1, 0, 90, List.of(), 2,
                SessionConfig.DEFAULT_CONNECT_RETRY));
    }

    @Test
    void keepaliveInEstablishedWithHoldThreeRestartsTimers() {
        SessionFsm fsm = openSent(3);
        fsm.handle(new OpenReceived(peerOpen(90)));
        fsm.handle(new KeepaliveReceived());
        assertEquals(List.of(new Send(Keepalive.INSTANCE),
                new StartTimer(SessionTimer.KEEPALIVE, Duration.ofSeconds(1))),
                fsm.handle(new TimerExpired(SessionTimer.KEEPALIVE)));
        assertEquals(SessionState.ESTABLISHED, in(SessionState.ESTABLISHED).state());
    }
}
