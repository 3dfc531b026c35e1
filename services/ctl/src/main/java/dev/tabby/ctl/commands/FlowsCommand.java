package dev.tabby.ctl.commands;

import dev.tabby.ctl.events.EventFeed;
import dev.tabby.events.flows.FlowRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl flows}: the flow logs, which flows policy allowed or denied and by which policy and rule. Calico
 * open source has none (Calico Enterprise's flow logs are the model); policy-renderer records them when the default
 * FelixConfiguration carries the annotation {@code tabby.dev/flow-logs: "on"}.
 */
@Command(name = "flows", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show which flows policy allowed or denied, by which policy and rule, with their counts.",
                "Reads Kafka topic " + FlowsCommand.TOPIC + " when a bootstrap is configured (--kafka-bootstrap or "
                        + "$" + FeedOptions.KAFKA_VARIABLE + "), else GET " + FlowsCommand.PATH + " of this node's "
                        + "policy-renderer (127.0.0.1:9183), or of the --endpoint URLs.",
                "Flow logs are on when the default FelixConfiguration has the annotation tabby.dev/flow-logs: \"on\".",
                "Counts marked " + FlowsView.SAMPLED + " are of an interval the node sampled (its flow-log rate limit).",
                "Without -f it prints the records the services still hold (or the topic has) and exits."})
public final class FlowsCommand implements Callable<Integer> {
    static final String TOPIC = "tabby.flows";
    static final String PATH = "/v1/flows";
    /** policy-renderer's HTTP port. */
    static final List<Integer> LOCAL_PORTS = List.of(9183);

    @Mixin
    FeedOptions feed;

    @Option(names = "--denied", description = "Only denied flows.")
    boolean denied;

    @Option(names = "--workload", paramLabel = "W",
            description = "Only flows from or to this workload endpoint: <namespace>/<name>, or its name.")
    String workload;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Instant since = feed.sinceInstant(Instant.now());
        EventFeed source = feed.feed(spec, PATH, LOCAL_PORTS, TOPIC, null, since);
        FlowsView view = new FlowsView(denied, workload, feed.node, since, spec.commandLine().getErr());
        FeedListing<FlowRecord> listing = new FeedListing<>(view, feed.json(), feed.follow, spec.commandLine().getOut(),
                spec.commandLine().getErr());
        source.read(listing);
        listing.finish();
        return 0;
    }
}
