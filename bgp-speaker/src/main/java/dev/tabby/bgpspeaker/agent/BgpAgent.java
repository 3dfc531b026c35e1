package dev.tabby.bgpspeaker.agent;

import dev.tabby.bgp.rib.BestChange;
import dev.tabby.bgp.rib.Route;
import dev.tabby.bgp.speaker.BgpSpeaker;
import dev.tabby.bgp.speaker.PeerStatus;
import dev.tabby.bgp.speaker.RouteView;
import dev.tabby.bgp.speaker.SocketSetup;
import dev.tabby.bgp.speaker.SpeakerEvents;
import dev.tabby.bgp.speaker.SpeakerSettings;
import dev.tabby.bgp.speaker.SpeakerView;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.bgp.transport.PeerSecretException;
import dev.tabby.bgp.transport.PeerSecrets;
import dev.tabby.bgpspeaker.config.ConfiguredPeer;
import dev.tabby.bgpspeaker.config.KernelInputs;
import dev.tabby.bgpspeaker.config.NodeBgpConfig;
import dev.tabby.bgpspeaker.health.SpeakerHealthSource;
import dev.tabby.bgpspeaker.kernel.BestRoute;
import dev.tabby.bgpspeaker.kernel.EncapMode;
import dev.tabby.bgpspeaker.kernel.KernelRoutes;
import dev.tabby.bgpspeaker.kernel.KernelWants;
import dev.tabby.bgpspeaker.kernel.PoolFacts;
import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.loop.ApplyLoop;
import dev.tabby.dataplane.loop.LoopSettings;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Netlink;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * One node's BGP: the {@link BgpSpeaker} configured from a {@link ConfigSource}, and its best learned routes put
 * into the kernel by {@link KernelRoutes} through an {@link ApplyLoop} (which coalesces changes, retries with
 * backoff and resyncs the kernel periodically). Kernel writes wait until the configuration is in sync and the
 * speaker has converged (every peer sent End-of-RIB, or the settle time passed), so a restarted speaker finds its
 * routes still in the kernel and leaves them be instead of flapping them.
 *
 * <p>The speaker is made again when its identity changes (router id, AS, cluster id, listen port): BIRD restarts
 * every protocol then too.
 */
public final class BgpAgent implements SpeakerView, SpeakerHealthSource, RouteClaim.KernelLoop, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BgpAgent.class);

    private final SocketSetup sockets;
    private final ConfigSource source;
    private final KernelRoutes kernel;
    private final ApplyLoop loop;
    private volatile NodeBgpConfig config;
    private volatile BgpSpeaker speaker;
    private volatile Identity identity;
    private volatile String problem = "no configuration yet";
    private volatile Runnable kernelApplied = () -> { };
    private final SpeakerEvents events;

    private record Identity(String routerId, long as, String clusterId, int port, String v4, String v6) {
    }

    public BgpAgent(Netlink netlink, SocketSetup sockets, ConfigSource source, Duration resyncInterval) {
        this(netlink, sockets, source, resyncInterval, SpeakerEvents.NONE);
    }

    /** @param events told of every speaker's peer state changes, prefix limits hit and malformed messages */
    public BgpAgent(Netlink netlink, SocketSetup sockets, ConfigSource source, Duration resyncInterval,
                    SpeakerEvents events) {
        this.events = events;
        this.sockets = sockets;
        this.source = source;
        this.kernel = new KernelRoutes(netlink, IpFamilies.BOTH);
        this.loop = new ApplyLoop(LoopSettings.defaults("bgp-kernel").withResyncInterval(resyncInterval),
                this::applyKernel, kernel::queueResync);
    }

    public BgpAgent start() {
        loop.start();
        source.start(this::configure);
        return this;
    }

    private synchronized void configure(NodeBgpConfig next) {
        config = next;
        next.warnings().forEach(w -> LOG.warnf("event=config_warning node=%s warning=\"%s\"", next.node(), w));
        if (next.routerId() == null) {
            problem = "node " + next.node() + " has no BGP router id: set Node spec.bgp.ipv4Address (or "
                    + "CALICO_ROUTER_ID)";
            LOG.errorf("event=no_router_id node=%s remedy=\"set spec.bgp.ipv4Address on the Node\"", next.node());
            stopSpeaker();
            return;
        }
        Identity wanted = new Identity(next.routerId(), next.localAs(), next.clusterId(), next.listenPort(),
                next.ipv4Address(), next.ipv6Address());
        if (speaker == null || !wanted.equals(identity)) {
            stopSpeaker();
            try {
                SpeakerSettings settings = SpeakerSettings.of(ipv4(next.routerId()), next.localAs())
                        .withListen(null, next.listenPort())
                        .withNextHops(next.ipv4Address() == null ? null : InetAddress.getByName(next.ipv4Address()),
                                next.ipv6Address() == null ? null : InetAddress.getByName(next.ipv6Address()))
                        .withClusterId(next.clusterId() == null ? null : ipv4(next.clusterId()));
                speaker = new BgpSpeaker(settings, this::learnedChanged, sockets, events).start();
                // Configurations arrive only once the source is in sync; the kernel waits for the speaker too.
                speaker.onConverged(loop::markInSync);
                identity = wanted;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | UnknownHostException e) {
                problem = e.getMessage();
                LOG.errorf("event=speaker_start_failed error=\"%s\"", e.getMessage());
                speaker = null;
                return;
            }
        }
        problem = "";
        applyLogLevel(next.logLevel());
        List<Cidr> pools = next.kernel().pools().stream().map(KernelInputs.PoolInfo::cidr).toList();
        speaker.exportFilter(prefix -> pools.stream().anyMatch(pool -> pool.covers(cidr(prefix))));
        speaker.replaceOriginated("calico", next.originations());
        speaker.configure(securedPeers(next));
        loop.onUpdate(() -> { });
    }

    /**
     * Each peer with the password and GTSM its BGPPeer's annotations name. A peer whose password file cannot be
     * used is left out (never brought up without its password), with the reason logged.
     */
    private List<PeerConfig> securedPeers(NodeBgpConfig c) {
        List<PeerConfig> out = new ArrayList<>();
        for (ConfiguredPeer p : c.peers()) {
            Map<String, String> annotations = new HashMap<>();
            if (p.passwordFile() != null) {
                annotations.put(PeerSecrets.PASSWORD_FILE, p.passwordFile());
            }
            if (p.ttlSecurityHops() != null) {
                annotations.put(PeerSecrets.TTL_SECURITY_HOPS, p.ttlSecurityHops());
            }
            if (annotations.isEmpty()) {
                out.add(p.config());
                continue;
            }
            String who = p.bgpPeer() == null ? p.config().name() : "BGPPeer " + p.bgpPeer();
            try {
                Optional<PeerSecrets.PasswordFile> password = PeerSecrets.password(who, annotations);
                password.flatMap(PeerSecrets.PasswordFile::warning)
                        .ifPresent(w -> LOG.warnf("event=peer_password_warning peer=%s warning=\"%s\"", who, w));
                OptionalInt hops = PeerSecrets.ttlSecurityHops(who, annotations);
                out.add(p.config().withSecurity(password.map(PeerSecrets.PasswordFile::password).orElse(null),
                        hops.isPresent() ? hops.getAsInt() : null));
            } catch (PeerSecretException e) {
                LOG.errorf("event=peer_left_out peer=%s session=%s reason=\"%s\"", who, p.config().name(),
                        e.getMessage());
            }
        }
        return out;
    }

    /**
     * BGPConfiguration logSeverityScreen, as confd turns it into BIRD's "debug" (bird.cfg.template): debug shows the
     * speaker's debug lines, info its normal ones, none only warnings and errors.
     */
    private static void applyLogLevel(String birdLevel) {
        java.util.logging.Level level = switch (birdLevel == null ? "info" : birdLevel) {
            case "debug" -> java.util.logging.Level.FINE;
            case "none" -> java.util.logging.Level.WARNING;
            default -> java.util.logging.Level.INFO;
        };
        java.util.logging.Logger.getLogger("dev.tabby.bgp").setLevel(level);
    }

    private void stopSpeaker() {
        BgpSpeaker old = speaker;
        speaker = null;
        identity = null;
        if (old != null) {
            old.close();
        }
    }

    /**
     * On the speaker's thread: the kernel loop will apply it. The routes are read from the speaker's Loc-RIB when
     * the loop applies, rather than kept a second time here: 100,000 routes would cost some 20 MB more.
     */
    private void learnedChanged(List<BestChange> changes) {
        loop.markDirty();
    }

    /** The best learned routes the kernel can take (an IPv6 route with an IPv4-mapped next hop cannot). */
    private static List<BestRoute> installable(List<Route> best) {
        List<BestRoute> out = new ArrayList<>(best.size());
        Map<InetAddress, IpAddress> hops = new HashMap<>();
        for (Route r : best) {
            InetAddress hop = r.attributes().nextHop();
            if (hop == null || r.prefix().ipv4() != (hop instanceof Inet4Address)) {
                continue;
            }
            out.add(BestRoute.learned(cidr(r.prefix()), hops.computeIfAbsent(hop, h -> IpAddress.of(h.getAddress()))));
        }
        return out;
    }

    private ApplyResult applyKernel() {
        BgpSpeaker s = speaker;
        NodeBgpConfig c = config;
        if (c == null || s == null || !s.converged() || !source.inSync()) {
            return ApplyResult.NOTHING;
        }
        KernelInputs k = c.kernel();
        List<PoolFacts> pools = new ArrayList<>();
        for (KernelInputs.PoolInfo p : k.pools()) {
            pools.add(new PoolFacts(p.cidr(), EncapMode.of(p.ipipMode()), EncapMode.of(p.vxlanMode()), p.disabled()));
        }
        List<Cidr> blocks = k.affineBlocks().stream().filter(KernelInputs.AffineBlock::blackholed)
                .map(KernelInputs.AffineBlock::cidr).toList();
        ApplyResult result = kernel.apply(new KernelWants(installable(s.bestLearned()), pools, k.subnets(), blocks,
                k.serviceCidrs()));
        if (result.ok()) {
            kernelApplied.run();
        }
        return result;
    }

    // ---- RouteClaim.KernelLoop ----

    @Override
    public void resyncThen(Runnable armed) {
        // One task, so the re-read is asked for and armed runs in the same turn of the loop, before its apply.
        loop.onUpdate(() -> {
            loop.requestResync();
            armed.run();
        });
    }

    @Override
    public void onKernelApplied(Runnable listener) {
        kernelApplied = listener;
    }

    // ---- SpeakerView and health ----

    private BgpSpeaker running() {
        BgpSpeaker s = speaker;
        if (s == null) {
            throw new IllegalStateException("the BGP speaker is not running: " + problem);
        }
        return s;
    }

    @Override
    public List<PeerStatus> peers() {
        BgpSpeaker s = speaker;
        return s == null ? List.of() : s.peers();
    }

    @Override
    public List<RouteView> routes(AfiSafi family, InetAddress peer) {
        return running().routes(family, peer);
    }

    @Override
    public int routeCount(AfiSafi family) {
        BgpSpeaker s = speaker;
        return s == null ? 0 : s.routeCount(family);
    }

    @Override
    public void originate(Collection<Prefix> prefixes) {
        running().originate(prefixes);
    }

    @Override
    public void withdraw(Collection<Prefix> prefixes) {
        running().withdraw(prefixes);
    }

    @Override
    public boolean inSync() {
        return source.inSync() && speaker != null;
    }

    @Override
    public void close() {
        source.close();
        loop.close();
        stopSpeaker(); // routes stay in the kernel: a restarted speaker adopts them
    }

    static Cidr cidr(Prefix p) {
        return new Cidr(IpAddress.of(p.address().getAddress()), p.length());
    }

    private static Inet4Address ipv4(String text) {
        try {
            InetAddress a = InetAddress.getByName(Objects.requireNonNull(text));
            if (a instanceof Inet4Address v4 && text.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch))) {
                return v4;
            }
        } catch (UnknownHostException e) {
            // fall through
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address (router and cluster ids are)");
    }
}
