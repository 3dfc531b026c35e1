package dev.tabby.vxlan.service;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.netlink.Netlink;
import dev.tabby.runtime.events.ServiceEvents;
import dev.tabby.vxlan.agent.AgentSettings;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.config.VxlanSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Starts this node's {@link VxlanAgent} with the service and stops it (leaving the kernel as it is) on shutdown. */
@ApplicationScoped
public class VxlanService {
    private static final Logger LOG = Logger.getLogger(VxlanService.class);

    @Inject
    VxlanSettings settings;

    @Inject
    KeyValueStore store;

    @Inject
    Netlink netlink;

    @Inject
    ServiceEvents events;

    private VxlanAgent agent;
    private String node;

    void start(@Observes StartupEvent event) {
        node = settings.node().filter(n -> !n.isBlank()).orElseGet(() -> NodeName.resolve(System.getenv()));
        AgentSettings agentSettings = AgentSettings.defaults(node).withResyncInterval(settings.resyncInterval())
                .withAllocateTunnelAddress(settings.allocateTunnelAddress()).withMtuFile(Path.of(settings.mtuFile()));
        events.useNode(node);
        agent = new VxlanAgent(store, netlink, agentSettings, events).start();
        LOG.infof("event=started node=%s resync=%s allocate_tunnel_address=%s mtu_file=%s", node,
                settings.resyncInterval(), settings.allocateTunnelAddress(), settings.mtuFile());
    }

    void stop(@Observes ShutdownEvent event) {
        if (agent != null) {
            agent.close(); // the Netlink handle is closed by its producer
        }
    }

    /** The node this service programs and speaks for. */
    public String node() {
        return node;
    }

    /** The agent, once started. */
    public java.util.Optional<VxlanAgent> started() {
        return java.util.Optional.ofNullable(agent);
    }

    public VxlanAgent agent() {
        if (agent == null) {
            throw new IllegalStateException("the VXLAN agent has not started");
        }
        return agent;
    }
}
