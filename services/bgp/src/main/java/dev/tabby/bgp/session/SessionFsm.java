package dev.tabby.bgp.session;

import static dev.tabby.bgp.session.SessionState.ACTIVE;
import static dev.tabby.bgp.session.SessionState.CONNECT;
import static dev.tabby.bgp.session.SessionState.ESTABLISHED;
import static dev.tabby.bgp.session.SessionState.IDLE;
import static dev.tabby.bgp.session.SessionState.OPEN_CONFIRM;
import static dev.tabby.bgp.session.SessionState.OPEN_SENT;

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
import dev.tabby.bgp.session.SessionEvent.CollisionDump;
import dev.tabby.bgp.session.SessionEvent.DecodeError;
import dev.tabby.bgp.session.SessionEvent.KeepaliveReceived;
import dev.tabby.bgp.session.SessionEvent.ManualStart;
import dev.tabby.bgp.session.SessionEvent.AutomaticStop;
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
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.Negotiation;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Open;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The RFC 4271 section 8 finite state machine of one BGP session, without DelayOpen, IdleHoldTimer or peer
 * oscillation damping (all optional there). {@link #handle} takes one event and returns the actions to perform, in
 * order; it never blocks and reads no clock. Not thread-safe: the owner feeds events one at a time.
 */
public final class SessionFsm {
    /** RFC 4271 section 8.2.2, OpenSent: "a large value", suggested 4 minutes. */
    public static final Duration LARGE_HOLD_TIME = Duration.ofMinutes(4);

    private final SessionConfig config;
    private final Open localOpen;
    private final Set<SessionTimer> running = EnumSet.noneOf(SessionTimer.class);
    private SessionState state = IDLE;
    private int connectRetryCounter;
    private int negotiatedHoldTime;
    private Negotiated negotiated;

    public SessionFsm(SessionConfig config) {
        this.config = config;
        this.localOpen = Open.of(config.localAs(), config.holdTimeSeconds(), config.bgpIdentifier(),
                config.capabilities());
    }

    public SessionState state() {
        return state;
    }

    /** The OPEN this speaker sends. */
    public Open localOpen() {
        return localOpen;
    }

    /** RFC 4271 section 8.1.1 ConnectRetryCounter: attempts that failed since the last ManualStart/Stop. */
    public int connectRetryCounter() {
        return connectRetryCounter;
    }

    /** What both OPENs allow, once Established; empty in every other state. */
    public Optional<Negotiated> negotiated() {
        return state == ESTABLISHED ? Optional.of(negotiated) : Optional.empty();
    }

    /** The negotiated Hold Time in seconds (0: no keepalives, no hold timer), once Established. */
    public Optional<Integer> negotiatedHoldTime() {
        return state == ESTABLISHED ? Optional.of(negotiatedHoldTime) : Optional.empty();
    }

    /** Applies one event; returns the actions to perform, in order. */
    public List<SessionAction> handle(SessionEvent event) {
        List<SessionAction> out = new ArrayList<>();
        if (ignored(event)) {
            return List.of();
        }
        if (event instanceof AutomaticStop stop) {
            automaticStop(stop, out);
            return List.copyOf(out);
        }
        switch (state) {
            case IDLE -> idle(event, out);
            case CONNECT -> connect(event, out);
            case ACTIVE -> active(event, out);
            case OPEN_SENT -> openSent(event, out);
            case OPEN_CONFIRM -> openConfirm(event, out);
            case ESTABLISHED -> established(event, out);
        }
        return List.copyOf(out);
    }

    /**
     * Events a state ignores: a start once started (RFC 4271 section 8.2.2, events 1 and 3-7 outside Idle), and a
     * second connection once one is up, which the owner tracks until its OPEN arrives (section 6.8).
     */
    private boolean ignored(SessionEvent event) {
        if (state == IDLE) {
            return false;
        }
        if (event instanceof ManualStart || event instanceof AutomaticStart) {
            return true;
        }
        if (event instanceof UpdateSent && state != ESTABLISHED) {
            return true; // no UPDATE goes out before Established; nothing to restart
        }
        boolean connected = state == OPEN_SENT || state == OPEN_CONFIRM || state == ESTABLISHED;
        return connected && (event instanceof TcpCrAcked || event instanceof TcpConnectionConfirmed);
    }

    // RFC 4271 section 8.2.2, Idle state.
    private void idle(SessionEvent event, List<SessionAction> out) {
        boolean passive;
        if (event instanceof ManualStart s) {
            passive = s.passive();
        } else if (event instanceof AutomaticStart s) {
            passive = s.passive();
        } else {
            return; // every other event is ignored in Idle
        }
        connectRetryCounter = 0;
        startTimer(SessionTimer.CONNECT_RETRY, config.connectRetryTime(), out);
        if (passive) {
            out.add(new ListenForConnection());
            state = ACTIVE;
        } else {
            out.add(new OpenConnection());
            out.add(new ListenForConnection());
            state = CONNECT;
        }
    }

    // RFC 4271 section 8.2.2, Connect state.
    private void connect(SessionEvent event, List<SessionAction> out) {
        if (event instanceof ManualStop) {
            connectRetryCounter = 0;
            toIdle(new DropConnection(), "manual stop", out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.CONNECT_RETRY) {
            out.add(new DropConnection());
            startTimer(SessionTimer.CONNECT_RETRY, config.connectRetryTime(), out);
            out.add(new OpenConnection());
        } else if (event instanceof TcpCrAcked || event instanceof TcpConnectionConfirmed) {
            sendOpen(out);
        } else if (event instanceof TcpConnectionFails) {
            toIdle(new DropConnection(), "TCP connection failed", out);
        } else {
            unexpectedBeforeOpen(event, out);
        }
    }

    // RFC 4271 section 8.2.2, Active state.
    private void active(SessionEvent event, List<SessionAction> out) {
        if (event instanceof ManualStop) {
            connectRetryCounter = 0;
            toIdle(new DropConnection(), "manual stop", out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.CONNECT_RETRY) {
            startTimer(SessionTimer.CONNECT_RETRY, config.connectRetryTime(), out);
            out.add(new OpenConnection());
            state = CONNECT;
        } else if (event instanceof TcpCrAcked || event instanceof TcpConnectionConfirmed) {
            sendOpen(out);
        } else if (event instanceof TcpConnectionFails) {
            connectRetryCounter++;
            toIdle(new DropConnection(), "TCP connection failed", out);
        } else {
            unexpectedBeforeOpen(event, out);
        }
    }

    // RFC 4271 section 8.2.2, OpenSent state.
    private void openSent(SessionEvent event, List<SessionAction> out) {
        if (event instanceof ManualStop s) {
            manualStop(s, out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.HOLD) {
            holdTimerExpired(out);
        } else if (event instanceof TcpConnectionFails) {
            // The only way back to Active: the peer may still connect to us.
            out.add(new DropConnection());
            stopTimer(SessionTimer.HOLD, out);
            startTimer(SessionTimer.CONNECT_RETRY, config.connectRetryTime(), out);
            out.add(new ListenForConnection());
            state = ACTIVE;
        } else if (event instanceof OpenReceived o) {
            openReceived(o.open(), out);
        } else if (event instanceof DecodeError d) {
            decodeError(d, out);
        } else if (event instanceof NotificationReceived n) {
            notificationReceived(n, out);
        } else if (event instanceof CollisionDump) {
            collisionDump(out);
        } else {
            fsmError(event, out);
        }
    }

    // RFC 4271 section 8.2.2, OpenConfirm state.
    private void openConfirm(SessionEvent event, List<SessionAction> out) {
        if (event instanceof ManualStop s) {
            manualStop(s, out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.HOLD) {
            holdTimerExpired(out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.KEEPALIVE) {
            sendKeepalive(out);
        } else if (event instanceof TcpConnectionFails) {
            connectRetryCounter++;
            toIdle(new DropConnection(), "TCP connection failed", out);
        } else if (event instanceof KeepaliveReceived) {
            restartHoldTimer(out);
            state = ESTABLISHED;
            out.add(new SessionEstablished(negotiated, negotiatedHoldTime));
        } else if (event instanceof DecodeError d) {
            decodeError(d, out);
        } else if (event instanceof NotificationReceived n) {
            notificationReceived(n, out);
        } else if (event instanceof CollisionDump) {
            collisionDump(out);
        } else {
            fsmError(event, out);
        }
    }

    // RFC 4271 section 8.2.2, Established state.
    private void established(SessionEvent event, List<SessionAction> out) {
        if (event instanceof ManualStop s) {
            manualStop(s, out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.HOLD) {
            holdTimerExpired(out);
        } else if (event instanceof TimerExpired t && t.timer() == SessionTimer.KEEPALIVE) {
            sendKeepalive(out);
        } else if (event instanceof UpdateSent) {
            restartKeepaliveTimer(out);
        } else if (event instanceof TcpConnectionFails) {
            connectRetryCounter++;
            toIdle(new DropConnection(), "TCP connection failed", out);
        } else if (event instanceof KeepaliveReceived) {
            restartHoldTimer(out);
        } else if (event instanceof UpdateReceived u) {
            restartHoldTimer(out);
            out.add(new DeliverUpdate(u.update()));
        } else if (event instanceof DecodeError d) {
            decodeError(d, out);
        } else if (event instanceof NotificationReceived n) {
            notificationReceived(n, out);
        } else if (event instanceof CollisionDump) {
            collisionDump(out);
        } else {
            fsmError(event, out);
        }
    }

    /** Connect or Active with a connection up: send our OPEN, wait for the peer's under the large hold timer. */
    private void sendOpen(List<SessionAction> out) {
        stopTimer(SessionTimer.CONNECT_RETRY, out);
        out.add(new Send(localOpen));
        startTimer(SessionTimer.HOLD, LARGE_HOLD_TIME, out);
        state = OPEN_SENT;
    }

    /** OpenSent, BGPOpen (event 19) after the checks of RFC 4271 section 6.2 the codec leaves to the session. */
    private void openReceived(Open peer, List<SessionAction> out) {
        Optional<Notification> refusal = checkOpen(peer);
        if (refusal.isPresent()) {
            connectRetryCounter++;
            out.add(new Send(refusal.get()));
            toIdle(new CloseConnection(), "OPEN refused: " + refusal.get(), out);
            return;
        }
        stopTimer(SessionTimer.CONNECT_RETRY, out);
        negotiated = Negotiation.negotiate(localOpen, peer);
        // RFC 4271 section 4.2: the smaller of the two; 0 means neither KEEPALIVEs nor a hold timer.
        negotiatedHoldTime = Math.min(config.holdTimeSeconds(), peer.holdTime());
        out.add(new Send(Keepalive.INSTANCE));
        if (negotiatedHoldTime == 0) {
            stopTimer(SessionTimer.HOLD, out);
        } else {
            startTimer(SessionTimer.KEEPALIVE, keepaliveTime(), out);
            startTimer(SessionTimer.HOLD, Duration.ofSeconds(negotiatedHoldTime), out);
        }
        state = OPEN_CONFIRM;
    }

    /** The OPEN checks the codec does not do; empty when the OPEN is acceptable. */
    Optional<Notification> checkOpen(Open peer) {
        if (peer.peerAs() != config.peerAs()) {
            // RFC 4271 section 6.2: Bad Peer AS when the AS is not the one configured for this peer.
            return Optional.of(new Notification(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_BAD_PEER_AS,
                    null));
        }
        if (peer.holdTime() == 1 || peer.holdTime() == 2) {
            // RFC 4271 section 6.2; the codec refuses it too, this guards an Open built elsewhere.
            return Optional.of(new Notification(Notification.OPEN_MESSAGE_ERROR,
                    Notification.OPEN_UNACCEPTABLE_HOLD_TIME, null));
        }
        if (peer.bgpIdentifier() == 0
                || (config.internal() && peer.bgpIdentifier() == config.bgpIdentifier())) {
            // RFC 6286 section 2.2: within one AS the identifiers must differ; across ASes they may be equal.
            return Optional.of(new Notification(Notification.OPEN_MESSAGE_ERROR,
                    Notification.OPEN_BAD_BGP_IDENTIFIER, null));
        }
        return Optional.empty();
    }

    private Duration keepaliveTime() {
        // RFC 4271 section 10: one third of the Hold Time; at least 1 s since the hold time is at least 3.
        return Duration.ofSeconds(negotiatedHoldTime / 3);
    }

    private void sendKeepalive(List<SessionAction> out) {
        out.add(new Send(Keepalive.INSTANCE));
        restartKeepaliveTimer(out);
    }

    private void restartKeepaliveTimer(List<SessionAction> out) {
        if (negotiatedHoldTime != 0) {
            startTimer(SessionTimer.KEEPALIVE, keepaliveTime(), out);
        }
    }

    private void restartHoldTimer(List<SessionAction> out) {
        if (negotiatedHoldTime != 0) {
            startTimer(SessionTimer.HOLD, Duration.ofSeconds(negotiatedHoldTime), out);
        }
    }

    // RFC 4271 section 8.2.2: AutomaticStop (event 8) in every state but Idle, where it is ignored.
    private void automaticStop(AutomaticStop stop, List<SessionAction> out) {
        if (state == IDLE) {
            return;
        }
        connectRetryCounter++;
        if (state == CONNECT || state == ACTIVE) {
            toIdle(new DropConnection(), "automatic stop: " + stop.notification(), out);
            return;
        }
        out.add(new Send(stop.notification()));
        toIdle(new CloseConnection(), "automatic stop: " + stop.notification(), out);
    }

    private void manualStop(ManualStop stop, List<SessionAction> out) {
        connectRetryCounter = 0;
        out.add(new Send(Notification.cease(Notification.CEASE_ADMINISTRATIVE_SHUTDOWN,
                stop.shutdownCommunication())));
        toIdle(new CloseConnection(), "manual stop", out);
    }

    private void holdTimerExpired(List<SessionAction> out) {
        connectRetryCounter++;
        out.add(new Send(new Notification(Notification.HOLD_TIMER_EXPIRED, 0, null)));
        toIdle(new CloseConnection(), "hold timer expired", out);
    }

    private void decodeError(DecodeError d, List<SessionAction> out) {
        connectRetryCounter++;
        Notification n = Notification.of(d.error());
        out.add(new Send(n));
        toIdle(new CloseConnection(), "sent " + n + ": " + d.error().getMessage(), out);
    }

    private void notificationReceived(NotificationReceived n, List<SessionAction> out) {
        // The peer closes after a NOTIFICATION; nothing is sent back (RFC 4271 section 6).
        connectRetryCounter++;
        toIdle(new DropConnection(), "received " + n.notification(), out);
    }

    private void collisionDump(List<SessionAction> out) {
        connectRetryCounter++;
        out.add(new Send(new Notification(Notification.CEASE, ConnectionCollision.CEASE_SUBCODE, null)));
        toIdle(new CloseConnection(), "connection collision resolution", out);
    }

    /** Connect or Active, any event the state does not name: back to Idle (RFC 4271 section 8.2.2). */
    private void unexpectedBeforeOpen(SessionEvent event, List<SessionAction> out) {
        connectRetryCounter++;
        if (event instanceof DecodeError d) {
            // SendNOTIFICATIONwithoutOPEN (RFC 4271 section 8.1.1) is taken as true: the peer learns why.
            Notification n = Notification.of(d.error());
            out.add(new Send(n));
            toIdle(new CloseConnection(), "sent " + n + ": " + d.error().getMessage(), out);
            return;
        }
        toIdle(new DropConnection(), "unexpected " + name(event) + " in " + state, out);
    }

    /** OpenSent, OpenConfirm, Established: an event the state does not expect is an FSM Error (RFC 6608). */
    private void fsmError(SessionEvent event, List<SessionAction> out) {
        connectRetryCounter++;
        int subcode = switch (state) {
            case OPEN_SENT -> 1;
            case OPEN_CONFIRM -> 2;
            case ESTABLISHED -> 3;
            default -> 0;
        };
        Notification n = new Notification(Notification.FSM_ERROR, subcode, null);
        out.add(new Send(n));
        toIdle(new CloseConnection(), "unexpected " + name(event) + " in " + state, out);
    }

    /** Every way back to Idle: close the connection, stop every timer, release the session's state. */
    private void toIdle(SessionAction close, String reason, List<SessionAction> out) {
        boolean wasEstablished = state == ESTABLISHED;
        out.add(close);
        for (SessionTimer t : List.copyOf(running)) {
            stopTimer(t, out);
        }
        state = IDLE;
        negotiated = null;
        negotiatedHoldTime = 0;
        out.add(new SessionDown(reason, wasEstablished));
    }

    private void startTimer(SessionTimer timer, Duration duration, List<SessionAction> out) {
        running.add(timer);
        out.add(new StartTimer(timer, duration));
    }

    private void stopTimer(SessionTimer timer, List<SessionAction> out) {
        if (running.remove(timer)) {
            out.add(new StopTimer(timer));
        }
    }

    private static String name(SessionEvent event) {
        return event instanceof TimerExpired t ? t.timer() + " timer expiry" : event.getClass().getSimpleName();
    }
}
