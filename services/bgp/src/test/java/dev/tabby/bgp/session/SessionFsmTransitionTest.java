package dev.tabby.bgp.session;

import static dev.tabby.bgp.session.Sessions.config;
import static dev.tabby.bgp.session.Sessions.in;
import static dev.tabby.bgp.session.Sessions.peerOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.session.SessionAction.CloseConnection;
import dev.tabby.bgp.session.SessionAction.DeliverUpdate;
import dev.tabby.bgp.session.SessionAction.DropConnection;
import dev.tabby.bgp.session.SessionAction.ListenForConnection;
import dev.tabby.bgp.session.SessionAction.OpenConnection;
import dev.tabby.bgp.session.SessionAction.Send;
import dev.tabby.bgp.session.SessionAction.SessionDown;
import dev.tabby.bgp.session.SessionAction.SessionEstablished;
import dev.tabby.bgp.session.SessionAction.StartTimer;
import dev.tabby.bgp.session.SessionAction.StopTimer;
import dev.tabby.bgp.session.SessionEvent.AutomaticStart;
import dev.tabby.bgp.session.SessionEvent.KeepaliveReceived;
import dev.tabby.bgp.session.SessionEvent.ManualStart;
import dev.tabby.bgp.session.SessionEvent.ManualStop;
import dev.tabby.bgp.session.SessionEvent.NotificationReceived;
import dev.tabby.bgp.session.SessionEvent.OpenReceived;
import dev.tabby.bgp.session.SessionEvent.TcpConnectionConfirmed;
import dev.tabby.bgp.session.SessionEvent.TcpConnectionFails;
import dev.tabby.bgp.session.SessionEvent.TcpCrAcked;
import dev.tabby.bgp.session.SessionEvent.TimerExpired;
import dev.tabby.bgp.session.SessionEvent.UpdateReceived;
import dev.tabby.bgp.session.SessionEvent.UpdateSent;
import dev.tabby.bgp.wire.Keepalive;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Update;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transitions of RFC 4271 section 8.2.2, state by state, with the exact actions each returns. */
class SessionFsmTransitionTest {
    private static final StartTimer CONNECT_RETRY_120 =
            new StartTimer(SessionTimer.CONNECT_RETRY, Duration.ofSeconds(120));

    @Test
    void idleManualStartConnects() {
        SessionFsm fsm = new SessionFsm(config(90));
        assertEquals(List.of(CONNECT_RETRY_120, new OpenConnection(), new ListenForConnection()),
                fsm.handle(new ManualStart(false)));
        assertEquals(SessionState.CONNECT, fsm.state());
        assertEquals(0, fsm.connectRetryCounter());
    }

    @Test
    void idlePassiveStartListensInActive() {
        SessionFsm fsm = new SessionFsm(config(90));
        assertEquals(List.of(CONNECT_RETRY_120, new ListenForConnection()), fsm.handle(new AutomaticStart(true)));
        assertEquals(SessionState.ACTIVE, fsm.state());
    }

    @Test
    void idleIgnoresEverythingButStart() {
        SessionFsm fsm = new SessionFsm(config(90));
        assertEquals(List.of(), fsm.handle(new ManualStop("")));
        assertEquals(List.of(), fsm.handle(new KeepaliveReceived()));
        assertEquals(List.of(), fsm.handle(new TimerExpired(SessionTimer.HOLD)));
        assertEquals(SessionState.IDLE, fsm.state());
    }

    @Test
    void connectRetryExpiryInConnectRetries() {
        SessionFsm fsm = in(SessionState.CONNECT);
        assertEquals(List.of(new DropConnection(), CONNECT_RETRY_120, new OpenConnection()),
                fsm.handle(new TimerExpired(SessionTimer.CONNECT_RETRY)));
        assertEquals(SessionState.CONNECT, fsm.state());
    }

    @Test
    void connectTcpUpSendsOpenAndStartsLargeHoldTimer() {
        SessionFsm fsm = in(SessionState.CONNECT);
        assertEquals(List.of(new StopTimer(SessionTimer.CONNECT_RETRY), new Send(fsm.localOpen()),
                new StartTimer(SessionTimer.HOLD, Duration.ofMinutes(4))), fsm.handle(new TcpCrAcked()));
        assertEquals(SessionState.OPEN_SENT, fsm.state());
        assertEquals(90, fsm.localOpen().holdTime());
        assertEquals(Sessions.LOCAL_ID, fsm.localOpen().bgpIdentifier());
        assertEquals(Sessions.LOCAL_AS, fsm.localOpen().peerAs());
    }

    @Test
    void connectTcpFailsGoesIdle() {
        SessionFsm fsm = in(SessionState.CONNECT);
        assertEquals(List.of(new DropConnection(), new StopTimer(SessionTimer.CONNECT_RETRY),
                new SessionDown("TCP connection failed", false)), fsm.handle(new TcpConnectionFails()));
        assertEquals(SessionState.IDLE, fsm.state());
    }

    @Test
    void connectManualStopGoesIdle() {
        SessionFsm fsm = in(SessionState.CONNECT);
        assertEquals(List.of(new DropConnection(), new StopTimer(SessionTimer.CONNECT_RETRY),
                new SessionDown("manual stop", false)), fsm.handle(new ManualStop("")));
        assertEquals(SessionState.IDLE, fsm.state());
    }

    @Test
    void activeConnectRetryExpiryGoesConnect() {
        SessionFsm fsm = in(SessionState.ACTIVE);
        assertEquals(List.of(CONNECT_RETRY_120, new OpenConnection()),
                fsm.handle(new TimerExpired(SessionTimer.CONNECT_RETRY)));
        assertEquals(SessionState.CONNECT, fsm.state());
    }

    @Test
    void activeIncomingConnectionSendsOpen() {
        SessionFsm fsm = in(SessionState.ACTIVE);
        List<SessionAction> actions = fsm.handle(new TcpConnectionConfirmed());
        assertEquals(new Send(fsm.localOpen()), actions.get(1));
        assertEquals(SessionState.OPEN_SENT, fsm.state());
    }

    @Test
    void activeTcpFailsGoesIdleAndCounts() {
        SessionFsm fsm = in(SessionState.ACTIVE);
        fsm.handle(new TcpConnectionFails());
        assertEquals(SessionState.IDLE, fsm.state());
        assertEquals(1, fsm.connectRetryCounter());
    }

    @Test
    void openSentTcpFailsGoesActive() {
        SessionFsm fsm = in(SessionState.OPEN_SENT);
        assertEquals(List.of(new DropConnection(), new StopTimer(SessionTimer.HOLD), CONNECT_RETRY_120,
                new ListenForConnection()), fsm.handle(new TcpConnectionFails()));
        assertEquals(SessionState.ACTIVE, fsm.state());
    }

    @Test
    void openSentOpenGoesOpenConfirmWithNegotiatedTimers() {
        SessionFsm fsm = in(SessionState.OPEN_SENT);
        assertEquals(List.of(new Send(Keepalive.INSTANCE),
                new StartTimer(SessionTimer.KEEPALIVE, Duration.ofSeconds(30)),
                new StartTimer(SessionTimer.HOLD, Duration.ofSeconds(90))),
                fsm.handle(new OpenReceived(peerOpen(90))));
        assertEquals(SessionState.OPEN_CONFIRM, fsm.state());
        assertTrue(fsm.negotiated().isEmpty(), "capabilities are exposed only once Established");
    }

    @Test
    void openSentHoldExpirySendsHoldTimerExpired() {
        SessionFsm fsm = in(SessionState.OPEN_SENT);
        assertEquals(List.of(new Send(new Notification(4, 0, null)), new CloseConnection(),
                new StopTimer(SessionTimer.HOLD), new SessionDown("hold timer expired", false)),
                fsm.handle(new TimerExpired(SessionTimer.HOLD)));
        assertEquals(SessionState.IDLE, fsm.state());
    }

    @Test
    void openSentIgnoresSecondConnectionAndRestart() {
        SessionFsm fsm = in(SessionState.OPEN_SENT);
        assertEquals(List.of(), fsm.handle(new TcpConnectionConfirmed()));
        assertEquals(List.of(), fsm.handle(new ManualStart(false)));
        assertEquals(SessionState.OPEN_SENT, fsm.state());
    }

    @Test
    void openConfirmKeepaliveEstablishes() {
        SessionFsm fsm = in(SessionState.OPEN_CONFIRM);
        List<SessionAction> actions = fsm.handle(new KeepaliveReceived());
        assertEquals(SessionState.ESTABLISHED, fsm.state());
        assertEquals(List.of(new StartTimer(SessionTimer.HOLD, Duration.ofSeconds(90)),
                new SessionEstablished(fsm.negotiated().orElseThrow(), 90)), actions);
        assertEquals(Set.of(dev.tabby.bgp.wire.AfiSafi.IPV4_UNICAST), fsm.negotiated().orElseThrow().families());
        assertTrue(fsm.negotiated().orElseThrow().fourOctetAs(), "Open.of adds the 4-octet AS capability");
    }

    @Test
    void openConfirmKeepaliveTimerSendsKeepalive() {
        SessionFsm fsm = in(SessionState.OPEN_CONFIRM);
        assertEquals(List.of(new Send(Keepalive.INSTANCE),
                new StartTimer(SessionTimer.KEEPALIVE, Duration.ofSeconds(30))),
                fsm.handle(new TimerExpired(SessionTimer.KEEPALIVE)));
        assertEquals(SessionState.OPEN_CONFIRM, fsm.state());
    }

    @Test
    void openConfirmNotificationDropsWithoutReply() {
        SessionFsm fsm = in(SessionState.OPEN_CONFIRM);
        Notification cease = new Notification(6, 2, null);
        assertEquals(List.of(new DropConnection(), new StopTimer(SessionTimer.HOLD),
                new StopTimer(SessionTimer.KEEPALIVE), new SessionDown("received " + cease, false)),
                fsm.handle(new NotificationReceived(cease)));
        assertEquals(SessionState.IDLE, fsm.state());
    }

    @Test
    void establishedUpdateRestartsHoldAndReachesRib() {
        SessionFsm fsm = in(SessionState.ESTABLISHED);
        Update update = Update.of(List.of(), List.of(), List.of());
        assertEquals(List.of(new StartTimer(SessionTimer.HOLD, Duration.ofSeconds(90)), new DeliverUpdate(update)),
                fsm.handle(new UpdateReceived(update)));
        assertEquals(List.of(new StartTimer(SessionTimer.HOLD, Duration.ofSeconds(90))),
                fsm.handle(new KeepaliveReceived()));
        assertEquals(List.of(new StartTimer(SessionTimer.KEEPALIVE, Duration.ofSeconds(30))),
                fsm.handle(new UpdateSent()));
        assertEquals(SessionState.ESTABLISHED, fsm.state());
    }

    @Test
    void establishedHoldExpiryTearsDownRoutes() {
        SessionFsm fsm = in(SessionState.ESTABLISHED);
        List<SessionAction> actions = fsm.handle(new TimerExpired(SessionTimer.HOLD));
        assertEquals(new Send(new Notification(Notification.HOLD_TIMER_EXPIRED, 0, null)), actions.get(0));
        assertEquals(new SessionDown("hold timer expired", true), actions.get(actions.size() - 1));
        assertEquals(SessionState.IDLE, fsm.state());
        assertTrue(fsm.negotiated().isEmpty());
    }

    /** RFC 4271 section 8.2.2 ManualStop in OpenSent, OpenConfirm, Established; RFC 9003 text in the Cease. */
    @Test
    void manualStopSendsAdministrativeShutdownWithCommunication() {
        for (SessionState s : List.of(SessionState.OPEN_SENT, SessionState.OPEN_CONFIRM, SessionState.ESTABLISHED)) {
            SessionFsm fsm = in(s);
            List<SessionAction> actions = fsm.handle(new ManualStop("maintenance"));
            Notification sent = (Notification) ((Send) actions.get(0)).message();
            assertEquals(Notification.CEASE, sent.code(), s.toString());
            assertEquals(Notification.CEASE_ADMINISTRATIVE_SHUTDOWN, sent.subcode(), s.toString());
            assertEquals("maintenance", sent.shutdownCommunication().orElseThrow(), s.toString());
            assertEquals(new CloseConnection(), actions.get(1), s.toString());
            assertEquals(SessionState.IDLE, fsm.state(), s.toString());
            assertEquals(0, fsm.connectRetryCounter(), s.toString());
        }
    }
}
