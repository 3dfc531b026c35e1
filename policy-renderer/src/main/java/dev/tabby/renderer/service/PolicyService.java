package dev.tabby.renderer.service;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.renderer.agent.AgentSettings;
import dev.tabby.renderer.agent.PolicyAgent;
import dev.tabby.renderer.config.PolicySettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Starts this node's {@link PolicyAgent} with the service and stops it (leaving the kernel as it is) on shutdown. */
@ApplicationScoped
public class PolicyService {
    private static final Logger LOG = Logger.getLogger(PolicyService.class);
    public static final String NAME = "policy-renderer";

    @Inject
    PolicySettings settings;

    @Inject
    KeyValueStore store;

    @Inject
    dev.tabby.runtime.events.ServiceEvents events;

    @Inject
    dev.tabby.runtime.events.EventOutlets outlets;

    private PolicyAgent agent;
    private String node;

    void start(@Observes StartupEvent event) {
        node = settings.node().filter(n -> !n.isBlank()).orElseGet(() -> NodeName.resolve(System.getenv()));
        events.useNode(node);
        agent = new PolicyAgent(store, AgentSettings.of(node)).reportTo(events).start();
        outlets.attach(agent.flows().hub(), "tabby.flows"); // flow records to Kafka when TABBY_KAFKA_BOOTSTRAP is set
        LOG.infof("event=started node=%s", node);
    }

    void stop(@Observes ShutdownEvent event) {
        if (agent != null) {
            agent.close();
        }
    }

    public String node() {
        return node;
    }

    public Optional<PolicyAgent> started() {
        return Optional.ofNullable(agent);
    }

    public PolicyAgent agent() {
        if (agent == null) {
            throw new IllegalStateException("the policy agent has not started");
        }
        return agent;
    }
}
