package dev.tabby.bgpspeaker.service;

import dev.tabby.bgp.speaker.PeerStatus;
import dev.tabby.bgp.speaker.RouteView;
import dev.tabby.bgp.speaker.SecuredSockets;
import dev.tabby.bgp.speaker.SocketSetup;
import dev.tabby.bgp.transport.NioFd;
import dev.tabby.bgp.speaker.SpeakerView;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgpspeaker.agent.BgpAgent;
import dev.tabby.bgpspeaker.agent.ConfigSource;
import dev.tabby.bgpspeaker.agent.EtcdConfigSource;
import dev.tabby.bgpspeaker.agent.FileConfigSource;
import dev.tabby.bgpspeaker.agent.RouteClaim;
import dev.tabby.bgpspeaker.health.SpeakerHealthSource;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.bgpspeaker.events.PeerEvents;
import dev.tabby.netlink.Netlink;
import dev.tabby.runtime.events.ServiceEvents;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts this node's {@link BgpAgent} with the service, from etcd or (standalone) from a file, and stops it on
 * shutdown, leaving the kernel's routes for the next start to adopt. With etcd it also holds the node's
 * {@link RouteClaim}, so ipip-manager leaves the IP-in-IP routes to the speaker; a standalone speaker has no etcd to
 * claim them in (nor an ipip-manager beside it). It is the {@link SpeakerView} and
 * {@link SpeakerHealthSource} the HTTP surfaces, metrics and health read.
 */
@ApplicationScoped
public class BgpService implements SpeakerView, SpeakerHealthSource {
    private static final Logger LOG = Logger.getLogger(BgpService.class);

    @Inject
    BgpServiceSettings settings;

    @Inject
    Instance<KeyValueStore> store;

    @Inject
    Netlink netlink;

    @Inject
    ServiceEvents events;

    private volatile BgpAgent agent;
    private volatile RouteClaim claim;

    void start(@Observes StartupEvent event) {
        String node;
        ConfigSource source;
        if (settings.configFile().isPresent()) {
            node = settings.node().filter(n -> !n.isBlank()).orElse(null);
            // A bad file stops the start when the agent first reads it, with its reason.
            source = new FileConfigSource(Path.of(settings.configFile().get()), node);
        } else {
            node = settings.node().filter(n -> !n.isBlank()).orElseGet(() -> NodeName.resolve(System.getenv()));
            source = new EtcdConfigSource(store.get(), node);
        }
        if (node != null) {
            events.useNode(node); // a file without a node name: the events name TABBY_NODENAME's or the host's
        }
        agent = new BgpAgent(netlink, sockets(), source, settings.resyncInterval(), new PeerEvents(events)).start();
        if (settings.configFile().isEmpty()) {
            claim = new RouteClaim(store.get(), node, agent).start();
        }
        LOG.infof("event=started node=%s source=%s resync=%s", node == null ? "(the file's)" : node,
                settings.configFile().map(f -> "file:" + f).orElse("etcd"), settings.resyncInterval());
    }

    void stop(@Observes ShutdownEvent event) {
        if (agent != null) {
            agent.close();
        }
        // After the agent: no kernel write of ours may follow ipip-manager taking the routes over.
        if (claim != null) {
            claim.close();
        }
    }

    /** MD5 and GTSM need the sockets' descriptors: without the JVM flag that exposes them, say so at start. */
    static SocketSetup sockets() {
        String unavailable = NioFd.unavailableReason();
        if (unavailable != null) {
            LOG.warnf("event=socket_options_unavailable reason=\"%s\" effect=\"peers with a password or GTSM cannot "
                    + "connect\" remedy=\"run java with %s\"", unavailable, NioFd.JVM_FLAG);
        }
        return new SecuredSockets();
    }

    private BgpAgent agent() {
        BgpAgent a = agent;
        if (a == null) {
            throw new IllegalStateException("bgp-speaker is starting");
        }
        return a;
    }

    @Override
    public List<PeerStatus> peers() {
        BgpAgent a = agent;
        return a == null ? List.of() : a.peers();
    }

    @Override
    public List<RouteView> routes(AfiSafi family, InetAddress peer) {
        return agent().routes(family, peer);
    }

    @Override
    public int routeCount(AfiSafi family) {
        BgpAgent a = agent;
        return a == null ? 0 : a.routeCount(family);
    }

    @Override
    public void originate(Collection<Prefix> prefixes) {
        agent().originate(prefixes);
    }

    @Override
    public void withdraw(Collection<Prefix> prefixes) {
        agent().withdraw(prefixes);
    }

    @Override
    public boolean inSync() {
        BgpAgent a = agent;
        return a != null && a.inSync();
    }
}
