package dev.tabby.ctl.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.flows.FlowRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * How {@code tabbyctl flows} filters and prints flow records: the table TIME NODE SOURCE DESTINATION PORT/PROTO
 * ACTION POLICY RULE CONNS PACKETS BYTES, or each record's JSON. Counts of an interval the node sampled (its flow-log
 * rate limit dropped some verdicts) carry {@value #SAMPLED}, explained once on standard error.
 */
final class FlowsView implements FeedListing.View<FlowRecord> {
    static final List<String> HEADINGS = List.of("TIME", "NODE", "SOURCE", "DESTINATION", "PORT/PROTO", "ACTION",
            "POLICY", "RULE", "CONNS", "PACKETS", "BYTES");
    static final String SAMPLED = "*";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean denied;
    private final String workload;
    private final String node;
    private final Instant since;
    private final PrintWriter err;
    private boolean sampledExplained;

    /**
     * @param denied   only denied flows
     * @param workload only flows from or to this workload endpoint ({@code <namespace>/<name>} or name), or null
     * @param node     only this node's verdicts, or null
     * @param since    only intervals that ended at or after this, or null
     */
    FlowsView(boolean denied, String workload, String node, Instant since, PrintWriter err) {
        this.denied = denied;
        this.workload = workload;
        this.node = node;
        this.since = since;
        this.err = err;
    }

    @Override
    public FlowRecord read(CloudEvent event) {
        if (!FlowRecord.EVENT_TYPE.equals(event.type())) {
            throw new IllegalArgumentException("event of type " + event.type() + " is not a flow record ("
                    + FlowRecord.EVENT_TYPE + ")");
        }
        return FlowRecord.fromData(event.data());
    }

    @Override
    public boolean keep(FlowRecord f) {
        if (denied && !f.denied()) {
            return false;
        }
        if (node != null && !node.equals(f.node())) {
            return false;
        }
        if (workload != null && !names(f.srcEndpoint(), workload) && !names(f.dstEndpoint(), workload)) {
            return false;
        }
        return since == null || !f.end().isBefore(since);
    }

    /** {@code ns/name} matches "ns/name" and "name". */
    static boolean names(String endpoint, String workload) {
        return endpoint.equals(workload) || endpoint.substring(endpoint.indexOf('/') + 1).equals(workload);
    }

    @Override
    public Comparator<FlowRecord> order() {
        return Comparator.comparing(FlowRecord::end).thenComparing(FlowRecord::node)
                .thenComparing(FlowRecord::srcIp).thenComparing(FlowRecord::dstIp)
                .thenComparingInt(FlowRecord::dstPort);
    }

    @Override
    public List<String> headings() {
        return HEADINGS;
    }

    /** A time; a node name; namespace/name or an IPv4 address; 65535/tcp; deny; a policy name; counts. */
    @Override
    public List<Integer> usualWidths() {
        return List.of(20, 10, 20, 20, 9, 6, 24, 4, 5, 7, 0);
    }

    @Override
    public List<String> row(FlowRecord f) {
        String mark = "";
        if (f.sampling() < 1) {
            mark = SAMPLED;
            if (!sampledExplained) {
                sampledExplained = true;
                err.println("tabbyctl: " + SAMPLED + " marks counts of an interval in which the node's flow-log rate "
                        + "limit recorded only part of the verdicts; the counts cover that part (-o json gives the "
                        + "share as sampling)");
                err.flush();
            }
        }
        return List.of(EventsView.TIME.format(f.end()), f.node(), endpoint(f.srcEndpoint(), f.srcIp()),
                endpoint(f.dstEndpoint(), f.dstIp()), portProto(f), f.action(), f.policy(),
                f.rule() < 0 ? "-" : Integer.toString(f.rule()),
                f.connections() + mark, f.packets() + mark, f.bytes() + mark);
    }

    @Override
    public String json(FlowRecord f) {
        try {
            return JSON.writeValueAsString(f.toData());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a flow record's data is plain JSON", e);
        }
    }

    /** The endpoint's name where the node knew it, else its address. */
    private static String endpoint(String name, String ip) {
        return name == null || name.isEmpty() || name.equals("-") ? ip : name;
    }

    private static String portProto(FlowRecord f) {
        return f.dstPort() > 0 ? f.dstPort() + "/" + f.protocol() : f.protocol();
    }
}
