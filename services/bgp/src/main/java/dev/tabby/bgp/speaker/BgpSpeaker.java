package dev.tabby.bgp.speaker;

import dev.tabby.bgp.rib.AttributeInterner;
import dev.tabby.bgp.rib.BestChange;
import dev.tabby.bgp.rib.ExportRules;
import dev.tabby.bgp.rib.LocRib;
import dev.tabby.bgp.rib.LocalSpeaker;
import dev.tabby.bgp.rib.PathAttributes;
import dev.tabby.bgp.rib.PeerRoutes;
import dev.tabby.bgp.rib.Route;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.Notification;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.bgp.wire.Prefix;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * A BGP-4 speaker: the configured peers' sessions over TCP, the Loc-RIB, the routes this node originates, and
 * what each peer is sent. All state lives on one Netty event-loop thread, so nothing in it is locked; the public
 * methods hand their work to that thread. Changes are sent to peers in batches: everything that one task changed
 * goes out together when the task ends.
 *
 * <p>Routes this node originates are preferred over learned ones for the same prefix, as BIRD prefers its static
 * protocol (preference 200) over BGP (100). Learned routes are exported to other peers only when the export filter
 * accepts the prefix (Calico's {@code calico_export_to_bgp_peers}: prefixes inside an IP pool).
 */
public final class BgpSpeaker implements SpeakerView, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BgpSpeaker.class);
    static final String API_OWNER = "api";
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final SpeakerSettings settings;
    private final RouteSink sink;
    private final SocketSetup sockets;
    private final NioEventLoopGroup group;
    private final EventLoop loop;
    private final LocalSpeaker localSpeaker;
    private final int routerIdInt;
    private final AttributeInterner interner = new AttributeInterner();
    private final LocRib locRib = new LocRib();
    private final Map<String, PeerSession> sessions = new LinkedHashMap<>();
    private final Map<InetAddress, PeerSession> byAddress = new HashMap<>();
    private final Map<String, Map<Prefix, Origination>> originated = new HashMap<>();
    private final Map<Prefix, PathAttributes> local = new HashMap<>();
    /**
     * Per session and family (the next hop differs): exported attributes to what is sent, so 100,000 routes with
     * one path are finished once.
     */
    private final Map<PeerSession, List<IdentityHashMap<PathAttributes, PathAttributes>>> finished = new HashMap<>();
    private Predicate<Prefix> exportFilter = p -> true;
    /** Prefixes with a route (local or learned), IPv4 and IPv6: counted as they change, read often by metrics. */
    private final int[] prefixCount = new int[2];
    private Channel listener;
    private boolean flushQueued;
    private final Instant startedAt = Instant.now();
    private volatile boolean converged;
    private final List<Runnable> convergedListeners = new ArrayList<>();
    private final SpeakerEvents events;

    public BgpSpeaker(SpeakerSettings settings, RouteSink sink, SocketSetup sockets) {
        this(settings, sink, sockets, SpeakerEvents.NONE);
    }

    /** @param events told of session state changes, prefix limits hit and malformed messages, on the loop thread */
    public BgpSpeaker(SpeakerSettings settings, RouteSink sink, SocketSetup sockets, SpeakerEvents events) {
        this.events = events;
        this.settings = settings;
        this.sink = sink;
        this.sockets = sockets;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("bgp-speaker", true));
        this.loop = group.next();
        this.localSpeaker = new LocalSpeaker(settings.localAs(), settings.routerId(), settings.clusterId());
        this.routerIdInt = ByteBuffer.wrap(settings.routerId().getAddress()).getInt();
    }

    /** Listens for peers' connections (when a listen port is set) and starts the settle timer. */
    public BgpSpeaker start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(sockets.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accept(ch);
                    }
                });
        InetSocketAddress bind = settings.listenAddress() == null ? new InetSocketAddress(settings.listenPort())
                : new InetSocketAddress(settings.listenAddress(), settings.listenPort());
        ChannelFuture bound = b.bind(bind).await();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + bind.getAddress().getHostAddress() + " port "
                    + bind.getPort() + ": " + bound.cause().getMessage()
                    + " (is another BGP daemon running, or is the port below 1024 without root?)", bound.cause());
        }
        listener = bound.channel();
        LOG.infof("event=listening address=%s port=%d router_id=%s as=%d", bind.getAddress().getHostAddress(),
                listenPort(), settings.routerId().getHostAddress(), settings.localAs());
        loop.schedule(this::settled, settings.settleTime().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The port the speaker listens on (the one chosen when the settings said 0). */
    public int listenPort() {
        return listener == null ? 0 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    SpeakerEvents events() {
        return events;
    }

    public SpeakerSettings settings() {
        return settings;
    }

    // ---- configuration ----

    /**
     * The peers from now on: new ones start, removed ones are sent Cease "peer de-configured" (RFC 4486), changed
     * ones are restarted with the new settings; unchanged ones are left alone.
     */
    public void configure(Collection<PeerConfig> peers) {
        onLoop(() -> {
            Map<String, PeerConfig> wanted = new LinkedHashMap<>();
            for (PeerConfig p : peers) {
                wanted.put(p.name(), p);
            }
            for (PeerSession s : List.copyOf(sessions.values())) {
                PeerConfig w = wanted.get(s.config().name());
                if (w == null || !w.equals(s.config())) {
                    LOG.infof("event=peer_removed peer=%s address=%s", s.config().name(),
                            s.config().address().getHostAddress());
                    sessions.remove(s.config().name());
                    byAddress.remove(s.config().address(), s);
                    finished.remove(s);
                    s.stop(w == null ? Notification.CEASE_PEER_DECONFIGURED
                            : Notification.CEASE_OTHER_CONFIGURATION_CHANGE);
                }
            }
            for (PeerConfig p : wanted.values()) {
                if (!sessions.containsKey(p.name())) {
                    PeerSession s = new PeerSession(this, p);
                    sessions.put(p.name(), s);
                    byAddress.put(p.address(), s);
                    LOG.infof("event=peer_added %s", p);
                    s.start();
                }
            }
            if (listener != null) {
                try {
                    sockets.listening(listener, wanted.values());
                } catch (IOException e) {
                    LOG.errorf("event=listener_options_failed error=\"%s\"", e.getMessage());
                }
            }
            queueFlush();
            return null;
        });
    }

    /** Which learned prefixes may be passed on to other peers (routes this node originates always are). */
    public void exportFilter(Predicate<Prefix> filter) {
        onLoop(() -> {
            exportFilter = filter;
            for (PeerSession s : sessions.values()) {
                if (s.established()) {
                    fullTableTo(s); // stages a withdrawal for what the filter now refuses
                }
            }
            return null;
        });
    }

    /** Replaces the routes one source ("ipam", "api", ...) originates. */
    public void replaceOriginated(String owner, Collection<Origination> routes) {
        onLoop(() -> {
            Map<Prefix, Origination> next = new HashMap<>();
            for (Origination o : routes) {
                next.put(o.prefix().network(), new Origination(o.prefix().network(), o.communities(),
                        o.largeCommunities()));
            }
            Map<Prefix, Origination> before = originated.put(owner, next);
            Set<Prefix> touched = new java.util.HashSet<>(next.keySet());
            if (before != null) {
                touched.addAll(before.keySet());
            }
            relocal(touched);
            return null;
        });
    }

    @Override
    public void originate(Collection<Prefix> prefixes) {
        onLoop(() -> {
            Map<Prefix, Origination> api = originated.computeIfAbsent(API_OWNER, k -> new HashMap<>());
            List<Prefix> touched = new ArrayList<>();
            for (Prefix p : prefixes) {
                Prefix c = p.network();
                api.put(c, Origination.of(c));
                touched.add(c);
            }
            relocal(touched);
            return null;
        });
    }

    @Override
    public void withdraw(Collection<Prefix> prefixes) {
        onLoop(() -> {
            Map<Prefix, Origination> api = originated.computeIfAbsent(API_OWNER, k -> new HashMap<>());
            List<Prefix> touched = new ArrayList<>();
            for (Prefix p : prefixes) {
                Prefix c = p.network();
                if (api.remove(c) != null) {
                    touched.add(c);
                }
            }
            relocal(touched);
            return null;
        });
    }

    /** Recomputes the local route of each prefix from every owner (the first owner's communities win). */
    private void relocal(Collection<Prefix> touched) {
        List<String> owners = originated.keySet().stream().sorted().toList();
        for (Prefix p : touched) {
            Origination o = null;
            for (String owner : owners) {
                o = originated.get(owner).get(p);
                if (o != null) {
                    break;
                }
            }
            PathAttributes before = local.get(p);
            PathAttributes after = o == null ? null : interner.intern(new PathAttributes(0, List.of(), null, null,
                    PathAttributes.DEFAULT_LOCAL_PREF, o.communities(), o.largeCommunities(), null, List.of()));
            boolean learnedToo = locRib.best(p) != null;
            count(p, before != null || learnedToo, after != null || learnedToo);
            if (after == null) {
                local.remove(p);
            } else {
                local.put(p, after);
            }
            if (!java.util.Objects.equals(before, after)) {
                stageEverywhere(p);
            }
        }
        queueFlush();
    }

    // ---- what PeerSession calls (on the loop) ----

    EventLoop loop() {
        return loop;
    }

    int routerIdInt() {
        return routerIdInt;
    }

    LocalSpeaker localSpeaker() {
        return localSpeaker;
    }

    AttributeInterner interner() {
        return interner;
    }

    void attach(Channel ch, PeerSession session) {
        if (ch.pipeline().get(FrameHandler.class) == null) {
            ch.pipeline().addLast(new FrameHandler(session));
        }
    }

    ChannelFuture register() {
        return new Bootstrap().group(group).channel(sockets.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter()).register();
    }

    void connectWhenRegistered(ChannelFuture registered, PeerSession session) {
        Channel ch = registered.channel();
        PeerConfig peer = session.config();
        registered.addListener(r -> {
            if (!r.isSuccess()) {
                session.connectFailed(ch, r.cause());
                return;
            }
            try {
                sockets.beforeConnect(ch, peer);
            } catch (IOException e) {
                session.connectFailed(ch, e);
                ch.close();
                return;
            }
            InetSocketAddress remote = new InetSocketAddress(peer.address(), peer.port());
            ChannelFuture c = peer.sourceAddress() == null ? ch.connect(remote)
                    : ch.connect(remote, new InetSocketAddress(peer.sourceAddress(), 0));
            c.addListener(done -> {
                if (done.isSuccess()) {
                    session.connected(ch);
                } else {
                    session.connectFailed(ch, done.cause());
                    ch.close();
                }
            });
        });
    }

    private void accept(Channel ch) {
        InetAddress remote = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        PeerSession s = byAddress.get(remote);
        if (s == null) {
            LOG.warnf("event=connection_refused address=%s reason=\"not a configured peer\"",
                    remote.getHostAddress());
            ch.close();
            return;
        }
        try {
            sockets.accepted(ch, s.config());
        } catch (IOException e) {
            LOG.errorf("event=socket_options_failed peer=%s error=\"%s\"", s.config().name(), e.getMessage());
            ch.close();
            return;
        }
        s.accepted(ch);
    }

    /** Routes from a peer changed for these prefixes. */
    void learned(PeerRoutes from, Collection<Prefix> changed) {
        propagate(locRib.update(from, changed));
    }

    /** The peer's routes are gone (session down without graceful restart). */
    void withdrawAll(PeerRoutes routes) {
        if (routes != null) {
            Set<Prefix> gone = routes.clear();
            propagate(locRib.update(routes, gone));
        }
    }

    /** Stale routes kept over a peer's restart are gone: not re-announced by {@code current}. */
    void withdrawStale(PeerRoutes stale, PeerRoutes current, List<Prefix> gone) {
        if (current != null) {
            propagate(locRib.update(current, gone));
        } else {
            stale.clear();
            propagate(locRib.update(stale, gone));
        }
    }

    private void propagate(List<BestChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (BestChange c : changes) {
            if (!local.containsKey(c.prefix())) {
                count(c.prefix(), c.before() != null, c.after() != null);
                stageEverywhere(c.prefix());
            }
        }
        sink.bestChanged(changes);
        queueFlush();
    }

    private void count(Prefix p, boolean was, boolean is) {
        if (was != is) {
            prefixCount[p.ipv4() ? 0 : 1] += is ? 1 : -1;
        }
    }

    private void stageEverywhere(Prefix p) {
        for (PeerSession s : sessions.values()) {
            if (s.established()) {
                s.out().stage(p, exportFor(s, p));
            }
        }
    }

    /** Stages every route the session should have and sends them. */
    void fullTableTo(PeerSession s) {
        for (Prefix p : local.keySet()) {
            s.out().stage(p, exportFor(s, p));
        }
        for (Prefix p : locRib.bestRoutes().keySet()) {
            if (!local.containsKey(p)) {
                s.out().stage(p, exportFor(s, p));
            }
        }
        s.flushOut();
    }

    /** What session {@code s} should have for prefix {@code p}: the attributes, or null for nothing. */
    private PathAttributes exportFor(PeerSession s, Prefix p) {
        AfiSafi family = p.ipv4() ? AfiSafi.IPV4_UNICAST : AfiSafi.IPV6_UNICAST;
        if (!s.config().families().contains(family)) {
            return null;
        }
        PathAttributes own = local.get(p);
        boolean isLocal = own != null;
        PathAttributes exported;
        if (isLocal) {
            exported = own;
        } else {
            Route best = locRib.best(p);
            if (best == null || !exportFilter.test(p)) {
                return null;
            }
            exported = ExportRules.export(best, s.ribPeer(), localSpeaker);
            if (exported == null) {
                return null;
            }
        }
        InetAddress self = s.selfNextHop(p.ipv4());
        if (self == null) {
            return null;
        }
        IdentityHashMap<PathAttributes, PathAttributes> cache = finished.computeIfAbsent(s,
                k -> List.of(new IdentityHashMap<>(), new IdentityHashMap<>())).get(p.ipv4() ? 0 : 1);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        PathAttributes key = interner.intern(exported);
        PathAttributes done = cache.get(key);
        if (done == null) {
            done = interner.intern(OutboundAttributes.finish(key, isLocal, s.config().internal(),
                    s.config().localAs(), s.config().keepOriginalNextHop(), self));
            cache.put(key, done);
        }
        return done;
    }

    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            loop.execute(() -> {
                flushQueued = false;
                for (PeerSession s : sessions.values()) {
                    s.flushOut();
                }
            });
        }
    }

    /** The session's local address may have changed: its finished attributes are computed afresh. */
    void forget(PeerSession s) {
        finished.remove(s);
    }

    // ---- convergence (for the kernel after a restart) ----

    /** True once every peer has sent End-of-RIB or the settle time has passed since start. */
    public boolean converged() {
        return converged;
    }

    /** Runs {@code action} (on the speaker's thread) when the speaker converges, at once when it has. */
    public void onConverged(Runnable action) {
        onLoop(() -> {
            if (converged) {
                action.run();
            } else {
                convergedListeners.add(action);
            }
            return null;
        });
    }

    void maybeConverged() {
        if (!converged && !sessions.isEmpty() && sessions.values().stream().allMatch(PeerSession::converged)) {
            markConverged("every peer sent End-of-RIB");
        }
    }

    private void settled() {
        if (!converged) {
            markConverged("settle time " + settings.settleTime().toSeconds() + "s passed");
        }
    }

    private void markConverged(String why) {
        converged = true;
        LOG.infof("event=converged reason=\"%s\" routes=%d", why, locRib.size());
        convergedListeners.forEach(Runnable::run);
        convergedListeners.clear();
    }

    // ---- views ----

    @Override
    public List<PeerStatus> peers() {
        return onLoop(() -> sessions.values().stream().map(PeerSession::status)
                .sorted(Comparator.comparing(PeerStatus::name)).toList());
    }

    @Override
    public List<RouteView> routes(AfiSafi family, InetAddress peer) {
        boolean v4 = family == AfiSafi.IPV4_UNICAST;
        return onLoop(() -> {
            List<RouteView> out = new ArrayList<>();
            if (peer == null) {
                for (Map.Entry<Prefix, PathAttributes> e : local.entrySet()) {
                    if (e.getKey().ipv4() == v4) {
                        out.add(view(e.getKey(), e.getValue(), true, null));
                    }
                }
            }
            for (Map.Entry<Prefix, Route> e : locRib.bestRoutes().entrySet()) {
                Prefix p = e.getKey();
                if (p.ipv4() != v4) {
                    continue;
                }
                for (Route r : locRib.candidates(p)) {
                    if (peer == null || peer.equals(r.peer().address())) {
                        boolean best = r == e.getValue() && !local.containsKey(p);
                        out.add(view(p, r.attributes(), best, r.peer().address().getHostAddress()));
                    }
                }
            }
            out.sort(Comparator.comparing(RouteView::prefix).thenComparing(v -> v.peer() == null ? "" : v.peer()));
            return out;
        });
    }

    @Override
    public int routeCount(AfiSafi family) {
        return onLoop(() -> prefixCount[family == AfiSafi.IPV4_UNICAST ? 0 : 1]);
    }

    /** The best learned route of every prefix (a copy), for the kernel. */
    public List<Route> bestLearned() {
        return onLoop(() -> new ArrayList<>(locRib.bestRoutes().values()));
    }

    private static RouteView view(Prefix p, PathAttributes a, boolean best, String peer) {
        List<String> communities = new ArrayList<>();
        for (long c : a.communities()) {
            communities.add((c >>> 16) + ":" + (c & 0xFFFF));
        }
        for (LargeCommunity c : a.largeCommunities()) {
            communities.add(c.globalAdmin() + ":" + c.localData1() + ":" + c.localData2());
        }
        String hop = peer == null || a.nextHop() == null ? "" : a.nextHop().getHostAddress();
        return new RouteView(p.toString(), hop, asPathText(a.asPath()), communities, best, peer);
    }

    /** The AS path as BIRD prints it: sequences as numbers, sets in braces. */
    static String asPathText(List<AsPathSegment> path) {
        StringBuilder s = new StringBuilder();
        for (AsPathSegment seg : path) {
            String asns = seg.asns().stream().map(String::valueOf).collect(Collectors.joining(" "));
            if (s.length() > 0) {
                s.append(' ');
            }
            boolean set = seg.type() == AsPathSegment.Type.AS_SET || seg.type() == AsPathSegment.Type.AS_CONFED_SET;
            s.append(set ? "{" + asns + "}" : asns);
        }
        return s.toString();
    }

    // ---- threading ----

    private <T> T onLoop(Callable<T> work) {
        if (loop.inEventLoop()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return loop.submit(work).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the BGP speaker", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the BGP speaker did not answer within 30 s", e);
        }
    }

    /** Sends every peer Cease "administrative shutdown" and stops; routes in the kernel are left as they are. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        try {
            onLoop(() -> {
                for (PeerSession s : sessions.values()) {
                    s.stop(Notification.CEASE_ADMINISTRATIVE_SHUTDOWN);
                }
                if (listener != null) {
                    listener.close();
                }
                return null;
            });
        } finally {
            group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
