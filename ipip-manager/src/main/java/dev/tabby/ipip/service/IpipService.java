package dev.tabby.ipip.service;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.ipip.agent.AgentSettings;
import dev.tabby.ipip.agent.IpipAgent;
import dev.tabby.ipip.config.IpipServiceSettings;
import dev.tabby.netlink.Netlink;
import dev.tabby.runtime.events.ServiceEvents;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Starts this node's {@link IpipAgent} with the service and stops it (leaving the kernel as it is) on shutdown. */
@ApplicationScoped
public class IpipService {
    private static final Logger LOG = Logger.getLogger(IpipService.class);

    @Inject
    IpipServiceSettings settings;

    @Inject
    KeyValueStore store;

    @Inject
    Netlink netlink;

    @Inject
    ServiceEvents events;

    private IpipAgent agent;
    private String node;

    void start(@Observes StartupEvent event) {
        node = settings.node().filter(n -> !n.isBlank()).orElseGet(() -> NodeName.resolve(System.getenv()));
        AgentSettings agentSettings = AgentSettings.defaults(node).withResyncInterval(settings.resyncInterval())
                .withAllocateTunnelAddress(settings.allocateTunnelAddress()).withMtuFile(Path.of(settings.mtuFile()));
        events.useNode(node);
        agent = new IpipAgent(store, netlink, agentSettings, events).start();
        LOG.infof("event=started node=%s resync=%s allocate_tunnel_address=%s mtu_file=%s", node,
                settings.resyncInterval(), settings.allocateTunnelAddress(), settings.mtuFile());
    }

    void stop(@Observes ShutdownEvent event) {
        if (agent != null) {
            agent.close();
        }
    }

    public String node() {
        return node;
    }

    public Optional<IpipAgent> started() {
        return Optional.ofNullable(agent);
    }

    public IpipAgent agent() {
        if (agent == null) {
            throw new IllegalStateException("the IP-in-IP agent has not started");
        }
        return agent;
    }
}
