package dev.tabby.ctl.commands;

import dev.tabby.ctl.events.EventFeed;
import dev.tabby.events.CloudEvent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl events}: what happened on the nodes (routes programmed, drift repaired, BGP peers up and down,
 * workloads attached, services ready), as the services emit it. Calico v3.18 has no such command; its nearest is
 * reading each component's log.
 */
@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what happened on the nodes: the events Tabby's services emit.",
                "Reads Kafka topic " + EventsCommand.TOPIC + " when a bootstrap is configured (--kafka-bootstrap or "
                        + "$" + FeedOptions.KAFKA_VARIABLE + "), else GET " + EventsCommand.PATH + " of the services "
                        + "on this node (127.0.0.1 ports 9180-9185), or of the --endpoint URLs.",
                "Without -f it prints what the services still hold (or the topic has) and exits."})
public final class EventsCommand implements Callable<Integer> {
    static final String TOPIC = "tabby.events";
    static final String PATH = "/v1/events";
    /** bgp-speaker, ipip-manager, vxlan-manager, policy-renderer, requirements-probe, the CNI daemon. */
    static final List<Integer> LOCAL_PORTS = List.of(9180, 9181, 9182, 9183, 9184, 9185);

    @Mixin
    FeedOptions feed;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Only events of this type or its subtypes: vxlan-manager, bgp-speaker.peer, "
                    + "dev.tabby.cni.workload.added.")
    String type;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        String typePrefix = type == null ? null : EventsView.typePrefix(type);
        Instant since = feed.sinceInstant(Instant.now());
        EventFeed source = feed.feed(spec, PATH, LOCAL_PORTS, TOPIC, typePrefix, since);
        FeedListing<CloudEvent> listing = new FeedListing<>(new EventsView(feed.node, typePrefix, since), feed.json(), feed.follow,
                spec.commandLine().getOut(), spec.commandLine().getErr());
        source.read(listing);
        listing.finish();
        return 0;
    }
}
