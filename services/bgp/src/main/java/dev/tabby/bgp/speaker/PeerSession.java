package dev.tabby.bgp.speaker;

import dev.tabby.bgp.rib.Peer;
import dev.tabby.bgp.rib.PeerRoutes;
import dev.tabby.bgp.session.ConnectionCollision;
import dev.tabby.bgp.session.SessionAction;
import dev.tabby.bgp.session.SessionConfig;
import dev.tabby.bgp.session.SessionEvent;
import dev.tabby.bgp.session.SessionFsm;
import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.session.SessionTimer;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.BgpDecodeException;
import dev.tabby.bgp.wire.BgpFraming;
import dev.tabby.bgp.wire.BgpMessage;
import dev.tabby.bgp.wire.Capability;
import dev.tabby.bgp.wire.Keepalive;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.Open;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.RouteRefresh;
import dev.tabby.bgp.wire.Update;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One configured peer: its {@link SessionFsm}, the TCP connection the FSM runs on, the timers, the Adj-RIB-In and
 * Adj-RIB-Out, and graceful restart in the receiving role (RFC 4724 section 4.2). Everything here runs on the
 * speaker's one event-loop thread.
 *
 * <p>Connections: the FSM's OpenConnection dials the peer (never for a passive peer); connections the peer opens
 * come from the speaker's listener. A connection arriving while ours is still being set up replaces it; one arriving
 * in OpenSent or OpenConfirm waits for its OPEN and then RFC 4271 6.8 decides which stays; one arriving while
 * Established is refused, unless its OPEN carries graceful restart, which means the peer restarted (RFC 4724 4.2).
 */
final class PeerSession {
    private static final Logger LOG = Logger.getLogger(PeerSession.class);

    private final BgpSpeaker speaker;
    private final PeerConfig config;
    private final Map<SessionTimer, ScheduledFuture<?>> timers = new EnumMap<>(SessionTimer.class);
    private SessionFsm fsm;
    private Channel channel;
    private boolean channelOutbound;
    private Channel connecting;
    private Channel waiting;
    private Open peerOpen;
    private Open waitingOpen;
    private Negotiated negotiated;
    private Peer ribPeer;
    private PeerRoutes routes;
    private PeerRoutes stale;
    private final Set<AfiSafi> staleFamilies = EnumSet.noneOf(AfiSafi.class);
    private ScheduledFuture<?> staleTimer;
    private AdjRibOut out;
    private final Set<AfiSafi> endOfRibReceived = EnumSet.noneOf(AfiSafi.class);
    private boolean restartedFromFailure;
    private boolean stopped;
    private boolean firstSession = true;
    private ScheduledFuture<?> restartTask;
    private Duration errorWait;
    private SessionState shownState = SessionState.IDLE;
    private Instant since = Instant.now();
    private String lastError = "";
    // What the decoder found wrong with the message the FSM is about to answer with a NOTIFICATION.
    private String decodeProblem;

    PeerSession(BgpSpeaker speaker, PeerConfig config) {
        this.speaker = speaker;
        this.config = config;
        this.errorWait = speaker.settings().errorWait();
        this.fsm = newFsm();
    }

    PeerConfig config() {
        return config;
    }

    // ---- lifecycle ----

    void start() {
        run(fsm.handle(new SessionEvent.ManualStart(config.passive())));
    }

    /** Ends the session for good: a Cease with {@code subcode} (3, deconfigured; 2, shut down) when one is up. */
    void stop(int subcode) {
        stopped = true;
        cancel(restartTask);
        cancel(staleTimer);
        Notification cease = subcode == Notification.CEASE_ADMINISTRATIVE_SHUTDOWN
                ? Notification.cease(subcode, "") : new Notification(Notification.CEASE, subcode, new byte[0]);
        run(fsm.handle(new SessionEvent.AutomaticStop(cease)));
        closeQuietly(waiting);
        closeQuietly(connecting);
        if (stale != null) {
            speaker.withdrawAll(stale);
            stale = null;
        }
        timers.values().forEach(PeerSession::cancel);
        timers.clear();
    }

    // ---- connections ----

    void connected(Channel ch) {
        if (ch != connecting) {
            closeQuietly(ch);
            return;
        }
        connecting = null;
        channel = ch;
        channelOutbound = true;
        speaker.attach(ch, this);
        run(fsm.handle(new SessionEvent.TcpCrAcked()));
    }

    void connectFailed(Channel ch, Throwable cause) {
        if (ch != connecting) {
            return;
        }
        connecting = null;
        lastError = "Socket: " + describe(cause);
        run(fsm.handle(new SessionEvent.TcpConnectionFails()));
    }

    /** A connection the peer opened, already known to come from this peer's address. */
    void accepted(Channel ch) {
        if (stopped) {
            closeQuietly(ch);
            return;
        }
        SessionState state = fsm.state();
        if (state == SessionState.IDLE || state == SessionState.CONNECT || state == SessionState.ACTIVE) {
            speaker.attach(ch, this);
            adopt(ch, null);
            return;
        }
        if (waiting != null) {
            closeQuietly(ch); // one contender at a time
            return;
        }
        waiting = ch;
        waitingOpen = null;
        speaker.attach(ch, this);
    }

    void inactive(Channel ch) {
        if (ch == waiting) {
            waiting = null;
        } else if (ch == channel) {
            channel = null;
            if (lastError.isEmpty() || fsm.state() == SessionState.ESTABLISHED) {
                lastError = "Socket: connection closed";
            }
            restartedFromFailure = true;
            run(fsm.handle(new SessionEvent.TcpConnectionFails()));
            if (waiting != null && !stopped && !settled()) {
                Channel contender = waiting; // it waited for ours to finish; ours is gone
                waiting = null;
                adopt(contender, null);
            }
        }
    }

    // ---- messages ----

    Negotiated decodeContext(Channel ch) {
        return ch == channel && negotiated != null ? negotiated : Negotiated.BEFORE_OPEN;
    }

    void received(Channel ch, BgpMessage message) {
        if (ch == waiting) {
            contenderMessage(ch, message);
            return;
        }
        if (ch != channel) {
            return;
        }
        if (message instanceof Open open) {
            peerOpen = open;
            run(fsm.handle(new SessionEvent.OpenReceived(open)));
        } else if (message instanceof Keepalive) {
            run(fsm.handle(new SessionEvent.KeepaliveReceived()));
        } else if (message instanceof Update update) {
            run(fsm.handle(new SessionEvent.UpdateReceived(update)));
        } else if (message instanceof Notification n) {
            lastError = "Received: " + n;
            run(fsm.handle(new SessionEvent.NotificationReceived(n)));
        } else if (message instanceof RouteRefresh refresh) {
            routeRefresh(refresh);
        }
    }

    void decodeFailed(Channel ch, BgpDecodeException error) {
        if (ch == waiting) {
            Notification n = Notification.of(error);
            speaker.events().malformedMessage(config.name(), config.address().getHostAddress(), n.code(),
                    n.subcode(), error.getMessage());
            send(ch, n, null);
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            waiting = null;
            return;
        }
        if (ch == channel) {
            lastError = "Error: " + Notification.of(error);
            decodeProblem = error.getMessage();
            run(fsm.handle(new SessionEvent.DecodeError(error)));
            decodeProblem = null;
        }
    }

    /** RFC 4271 6.8 for a connection that arrived while ours was past Connect. */
    private void contenderMessage(Channel ch, BgpMessage message) {
        if (!(message instanceof Open open)) {
            return; // nothing before its OPEN matters; its KEEPALIVE comes only after we answer
        }
        SessionState state = fsm.state();
        if (!settled()) {
            waiting = null; // our own connection went away meanwhile: nothing to resolve
            adopt(ch, open);
            return;
        }
        boolean peerRestarted = state == SessionState.ESTABLISHED
                && open.find(Capability.GracefulRestart.class).isPresent() && stillGraceful();
        boolean takeNew;
        if (peerRestarted) {
            takeNew = true;
        } else if (!channelOutbound && state != SessionState.ESTABLISHED) {
            // Both connections are the peer's: it gave up on the first (with TCP MD5 its reset, unsigned once its
            // socket is gone, never reaches us), so the new one replaces it.
            takeNew = true;
        } else {
            ConnectionCollision.Close close = ConnectionCollision.resolve(speaker.routerIdInt(),
                    open.bgpIdentifier(), state);
            takeNew = close == ConnectionCollision.Close.LOCALLY_INITIATED;
        }
        if (!takeNew) {
            send(ch, new Notification(Notification.CEASE, ConnectionCollision.CEASE_SUBCODE, new byte[0]), null);
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            waiting = null;
            return;
        }
        waiting = null;
        if (peerRestarted) {
            restartedFromFailure = true;
            lastError = "peer restarted (new connection with graceful restart)";
            run(fsm.handle(new SessionEvent.TcpConnectionFails()));
        } else {
            run(fsm.handle(new SessionEvent.CollisionDump()));
        }
        cancel(restartTask);
        fsm = newFsm();
        run(fsm.handle(new SessionEvent.ManualStart(true)));
        channel = ch;
        channelOutbound = false;
        run(fsm.handle(new SessionEvent.TcpConnectionConfirmed()));
        peerOpen = open;
        run(fsm.handle(new SessionEvent.OpenReceived(open)));
    }

    /** A session connection is up or being set up past the TCP handshake (OpenSent, OpenConfirm, Established). */
    private boolean settled() {
        SessionState state = fsm.state();
        return state == SessionState.OPEN_SENT || state == SessionState.OPEN_CONFIRM
                || state == SessionState.ESTABLISHED;
    }

    /**
     * Runs the session on a connection the peer opened, from Idle, Connect or Active (a dial of ours in progress is
     * dropped); with its OPEN when that was already read.
     */
    private void adopt(Channel ch, Open open) {
        if (fsm.state() == SessionState.IDLE) {
            cancel(restartTask);
            fsm = newFsm();
            run(fsm.handle(new SessionEvent.AutomaticStart(true)));
        }
        closeQuietly(connecting);
        connecting = null;
        channel = ch;
        channelOutbound = false;
        run(fsm.handle(new SessionEvent.TcpConnectionConfirmed()));
        if (open != null && ch == channel) {
            peerOpen = open;
            run(fsm.handle(new SessionEvent.OpenReceived(open)));
        }
    }

    private boolean stillGraceful() {
        return peerOpen != null && peerOpen.find(Capability.GracefulRestart.class).isPresent();
    }

    // ---- the FSM's actions ----

    private void run(List<SessionAction> actions) {
        for (SessionAction a : actions) {
            if (a instanceof SessionAction.Send s) {
                reportRefusal(s.message());
                send(channel, s.message(), negotiated);
            } else if (a instanceof SessionAction.StartTimer t) {
                startTimer(t.timer(), t.duration());
            } else if (a instanceof SessionAction.StopTimer t) {
                cancel(timers.remove(t.timer()));
            } else if (a instanceof SessionAction.OpenConnection) {
                dial();
            } else if (a instanceof SessionAction.CloseConnection) {
                Channel ch = channel;
                channel = null;
                if (ch != null) {
                    ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            } else if (a instanceof SessionAction.DropConnection) {
                Channel ch = channel;
                channel = null;
                closeQuietly(ch);
                closeQuietly(connecting);
                connecting = null;
            } else if (a instanceof SessionAction.DeliverUpdate d) {
                deliver(d.update());
            } else if (a instanceof SessionAction.SessionEstablished e) {
                established(e.negotiated());
            } else if (a instanceof SessionAction.SessionDown d) {
                down(d.reason(), d.wasEstablished());
            }
        }
        if (channel != null) {
            channel.flush();
        }
        showState();
    }

    /** A NOTIFICATION for a message error (header, OPEN, UPDATE) we send: the peer's message was refused. */
    private void reportRefusal(BgpMessage message) {
        if (message instanceof Notification n && (n.code() == Notification.MESSAGE_HEADER_ERROR
                || n.code() == Notification.OPEN_MESSAGE_ERROR || n.code() == Notification.UPDATE_MESSAGE_ERROR)) {
            speaker.events().malformedMessage(config.name(), config.address().getHostAddress(), n.code(), n.subcode(),
                    decodeProblem != null ? decodeProblem : "refused: " + n);
        }
    }

    private void send(Channel ch, BgpMessage message, Negotiated n) {
        if (ch == null) {
            return;
        }
        ByteBuf buf = ch.alloc().buffer();
        BgpFraming.encode(message, n == null ? Negotiated.BEFORE_OPEN : n, buf);
        ch.write(buf);
    }

    private void dial() {
        if (config.passive() || stopped) {
            return; // BIRD's "passive on": the peer connects to us
        }
        closeQuietly(connecting);
        io.netty.channel.ChannelFuture registered = speaker.register();
        connecting = registered.channel();
        speaker.connectWhenRegistered(registered, this);
    }

    private void startTimer(SessionTimer timer, Duration duration) {
        cancel(timers.get(timer));
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        self[0] = speaker.loop().schedule(() -> {
            if (timers.get(timer) == self[0]) {
                timers.remove(timer);
                run(fsm.handle(new SessionEvent.TimerExpired(timer)));
            }
        }, duration.toMillis(), TimeUnit.MILLISECONDS);
        timers.put(timer, self[0]);
    }

    // ---- routes ----

    private void established(Negotiated n) {
        negotiated = n;
        errorWait = speaker.settings().errorWait();
        lastError = "";
        firstSession = false;
        restartedFromFailure = false;
        InetAddress address = config.address();
        ribPeer = new Peer(address, config.peerAs(), ipv4(peerOpen.bgpIdentifier()), config.internal(),
                config.routeReflectorClient());
        routes = new PeerRoutes(ribPeer, speaker.localSpeaker(), n, speaker.interner());
        out = new AdjRibOut();
        endOfRibReceived.clear();
        if (stale != null) {
            Capability.GracefulRestart gr = peerOpen.find(Capability.GracefulRestart.class).orElse(null);
            staleFamilies.clear();
            if (gr != null) {
                for (Capability.GracefulRestart.Family f : gr.families()) {
                    if (f.forwardingState() && f.family() != null && n.families().contains(f.family())) {
                        staleFamilies.add(f.family());
                    }
                }
            }
            if (staleFamilies.isEmpty()) {
                purgeStale(null); // RFC 4724 4.2: no F bit, the forwarding state is gone
            }
        }
        LOG.infof("event=session_established peer=%s address=%s as=%d families=%s hold=%s", config.name(),
                address.getHostAddress(), config.peerAs(), n.families(), fsm.negotiatedHoldTime().orElse(0));
        speaker.forget(this);
        speaker.fullTableTo(this);
        for (AfiSafi f : n.families()) {
            send(channel, AdjRibOut.endOfRib(f), n);
        }
        run(fsm.handle(new SessionEvent.UpdateSent()));
    }

    private void deliver(Update update) {
        AfiSafi eor = AdjRibOut.endOfRibFamily(update);
        if (eor != null) {
            endOfRibReceived.add(eor);
            if (stale != null) {
                purgeStale(eor);
            }
            speaker.maybeConverged();
            return;
        }
        Set<Prefix> changed = routes.apply(update);
        if (config.maxPrefixes() != null && routes.size() > config.maxPrefixes()) {
            lastError = "max prefixes " + config.maxPrefixes() + " exceeded";
            LOG.warnf("event=max_prefixes_exceeded peer=%s limit=%d received=%d", config.name(),
                    config.maxPrefixes(), routes.size());
            speaker.events().prefixLimitHit(config.name(), config.address().getHostAddress(), config.maxPrefixes(),
                    routes.size());
            byte[] data = new byte[7];
            AfiSafi f = AfiSafi.IPV4_UNICAST;
            data[0] = 0;
            data[1] = (byte) f.afi();
            data[2] = (byte) f.safi();
            int limit = config.maxPrefixes();
            data[3] = (byte) (limit >>> 24);
            data[4] = (byte) (limit >>> 16);
            data[5] = (byte) (limit >>> 8);
            data[6] = (byte) limit;
            speaker.learned(routes, changed);
            run(fsm.handle(new SessionEvent.AutomaticStop(
                    new Notification(Notification.CEASE, Notification.CEASE_MAX_PREFIXES, data))));
            return;
        }
        speaker.learned(routes, changed);
    }

    private void down(String reason, boolean wasEstablished) {
        if (lastError.isEmpty()) {
            lastError = reason;
        }
        if (wasEstablished) {
            LOG.warnf("event=session_down peer=%s address=%s reason=\"%s\"", config.name(),
                    config.address().getHostAddress(), lastError);
            boolean graceful = restartedFromFailure && config.gracefulRestart() && peerOpen != null
                    && peerOpen.find(Capability.GracefulRestart.class).isPresent() && !stopped;
            if (graceful) {
                keepStale(peerOpen.find(Capability.GracefulRestart.class).get().restartTime());
            } else {
                speaker.withdrawAll(routes);
            }
            routes = null;
            out = null;
            negotiated = null;
            speaker.maybeConverged();
        }
        restartedFromFailure = false;
        if (!stopped) {
            scheduleRestart();
        }
    }

    private void keepStale(int restartTimeSeconds) {
        if (stale != null) {
            speaker.withdrawAll(stale); // a second failure before the first recovered
        }
        stale = routes;
        LOG.infof("event=graceful_restart_helper peer=%s stale_routes=%d restart_time=%ds", config.name(),
                stale.size(), restartTimeSeconds);
        cancel(staleTimer);
        staleTimer = speaker.loop().schedule(() -> purgeStale(null), Math.max(1, restartTimeSeconds),
                TimeUnit.SECONDS);
    }

    /** Drops the stale routes of one family (its End-of-RIB came) or, with null, of every family. */
    private void purgeStale(AfiSafi family) {
        if (stale == null) {
            return;
        }
        if (family != null) {
            staleFamilies.remove(family);
        }
        List<Prefix> gone = new ArrayList<>();
        for (var r : List.copyOf(stale.routes())) {
            Prefix p = r.prefix();
            boolean inFamily = family == null || (family == AfiSafi.IPV4_UNICAST) == p.ipv4();
            if (inFamily && (routes == null || routes.route(p) == null)) {
                gone.add(p);
            }
        }
        if (family == null || staleFamilies.isEmpty()) {
            cancel(staleTimer);
            PeerRoutes old = stale;
            stale = null;
            speaker.withdrawStale(old, routes, gone);
        } else {
            speaker.withdrawStale(stale, routes, gone);
        }
    }

    /** RFC 2918: the peer asks for our routes again; the whole Adj-RIB-Out is sent afresh. */
    private void routeRefresh(RouteRefresh refresh) {
        AfiSafi f = AfiSafi.of(refresh.afi(), refresh.safi());
        if (out == null || f == null || !negotiated.families().contains(f)) {
            return;
        }
        out = new AdjRibOut();
        speaker.fullTableTo(this);
    }

    private void scheduleRestart() {
        cancel(restartTask);
        Duration wait = errorWait;
        errorWait = errorWait.multipliedBy(2).compareTo(speaker.settings().errorWaitMax()) > 0
                ? speaker.settings().errorWaitMax() : errorWait.multipliedBy(2);
        restartTask = speaker.loop().schedule(() -> {
            if (!stopped && fsm.state() == SessionState.IDLE) {
                fsm = newFsm(); // its OPEN no longer claims a restart
                run(fsm.handle(new SessionEvent.AutomaticStart(config.passive())));
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- Adj-RIB-Out ----

    boolean established() {
        return out != null && channel != null;
    }

    Peer ribPeer() {
        return ribPeer;
    }

    PeerRoutes routes() {
        return routes;
    }

    AdjRibOut out() {
        return out;
    }

    /** Sends what is staged in the Adj-RIB-Out. */
    void flushOut() {
        if (out == null || channel == null || !out.hasPending()) {
            return;
        }
        for (Update u : out.drain(negotiated, config.internal())) {
            send(channel, u, negotiated);
        }
        channel.flush();
        run(fsm.handle(new SessionEvent.UpdateSent()));
    }

    /** The next hop we give routes we originate or set next hop self on, for this session. */
    InetAddress selfNextHop(boolean ipv4) {
        SpeakerSettings s = speaker.settings();
        InetAddress configured = ipv4 ? s.nextHopV4() : s.nextHopV6();
        if (configured != null) {
            return configured;
        }
        InetAddress local = channel == null ? null : ((InetSocketAddress) channel.localAddress()).getAddress();
        if (config.sourceAddress() != null) {
            local = config.sourceAddress();
        }
        if (local == null) {
            return null;
        }
        if (ipv4 == local instanceof Inet4Address) {
            return local;
        }
        if (!ipv4 && local instanceof Inet4Address v4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
            try {
                return Inet6Address.getByAddress(null, mapped, null);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return null; // an IPv4 route over an IPv6-only session without a configured IPv4 next hop
    }

    // ---- status ----

    boolean converged() {
        return negotiated != null && endOfRibReceived.containsAll(negotiated.families());
    }

    PeerStatus status() {
        int size = routes == null ? (stale == null ? 0 : stale.size()) : routes.size();
        return new PeerStatus(config.name(), config.address().getHostAddress(), config.peerAs(), kindWords(),
                fsm.state(), since, size, size, out == null ? 0 : out.advertised(), lastError);
    }

    /** calicoctl v3.18's bgpTypeMap (commands/node/status.go): the peer type read from the protocol name. */
    private String kindWords() {
        String n = config.name();
        if (n.startsWith("Mesh_")) {
            return "node-to-node mesh";
        }
        if (n.startsWith("Node_")) {
            return "node specific";
        }
        return "global";
    }

    private void showState() {
        SessionState now = fsm.state();
        if (now != shownState) {
            SessionState before = shownState;
            shownState = now;
            since = Instant.now();
            speaker.events().peerStateChanged(config.name(), config.address().getHostAddress(), before, now,
                    now == SessionState.ESTABLISHED ? "" : lastError);
        }
    }

    private SessionFsm newFsm() {
        SpeakerSettings s = speaker.settings();
        List<Capability> caps = new ArrayList<>();
        for (AfiSafi f : config.families()) {
            caps.add(Capability.MultiProtocol.of(f));
        }
        caps.add(new Capability.RouteRefresh());
        caps.add(new Capability.ExtendedMessage());
        if (config.gracefulRestart()) {
            List<Capability.GracefulRestart.Family> families = new ArrayList<>();
            for (AfiSafi f : config.families()) {
                families.add(new Capability.GracefulRestart.Family(f.afi(), f.safi(),
                        Capability.GracefulRestart.Family.FORWARDING_STATE));
            }
            // R bit on the first session after this speaker started: it restarted, as far as the peer can tell.
            int flags = firstSession ? Capability.GracefulRestart.RESTART_STATE : 0;
            caps.add(new Capability.GracefulRestart(flags, s.gracefulRestartTime(), families));
        }
        caps.add(new Capability.FourOctetAs(config.localAs()));
        return new SessionFsm(new SessionConfig(config.localAs(), speaker.routerIdInt(), config.holdTimeSeconds(),
                caps, config.peerAs(), config.connectRetry()));
    }

    private static Inet4Address ipv4(int id) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16),
                (byte) (id >>> 8), (byte) id});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Throwable cause) {
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m.replaceAll("^[^:]*: /[^ ]* ?", "").trim();
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    static void closeQuietly(Channel ch) {
        if (ch != null) {
            ch.close();
        }
    }
}
