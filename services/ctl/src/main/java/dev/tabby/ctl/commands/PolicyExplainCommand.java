package dev.tabby.ctl.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tabby.ctl.Main;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceList;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.model.validation.ResourceValidator;
import dev.tabby.policy.explain.Cluster;
import dev.tabby.policy.explain.Explanation;
import dev.tabby.policy.explain.ExplanationText;
import dev.tabby.policy.explain.Flow;
import dev.tabby.policy.explain.FlowExplainer;
import dev.tabby.policy.explain.WorkloadChainSettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tabbyctl policy explain WORKLOAD --to IP[:PORT/PROTO]} (or {@code --from}): which policies and rules decide
 * that flow, in evaluation order, and the verdict. Reads the resources from etcd and runs the same calculation the
 * policy renderer runs ({@link FlowExplainer}).
 */
@Command(name = "explain", mixinStandardHelpOptions = true, description = "Show which policies and rules decide a flow to (--to) or from (--from) a "
        + "workload, in evaluation order, and the verdict.")
public final class PolicyExplainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORKLOAD",
            description = "a WorkloadEndpoint: NAME (with -n NAMESPACE, default: default) or NAMESPACE/NAME")
    String workload;

    @Option(names = {"-n", "--namespace"}, description = "the workload's namespace (default: default)")
    String namespace;

    @Option(names = "--to", paramLabel = "IP[:PORT/PROTO]", description = "egress: a flow from the workload to IP")
    String to;

    @Option(names = "--from", paramLabel = "IP[:PORT/PROTO]", description = "ingress: a flow from IP to the workload "
            + "(PORT is the workload's port)")
    String from;

    @Option(names = "--protocol", paramLabel = "PROTO", description = "the protocol of a flow without port, e.g. "
            + "ICMP, ICMPv6 or a number")
    String protocol;

    @Option(names = "--icmp-type", paramLabel = "TYPE", description = "the ICMP type (with --protocol ICMP or ICMPv6)")
    Integer icmpType;

    @Option(names = "--icmp-code", paramLabel = "CODE", description = "the ICMP code (with --icmp-type)")
    Integer icmpCode;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json")
    String output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        if (!output.equals("text") && !output.equals("json")) {
            throw new IllegalArgumentException("output format \"" + output + "\" is not known; use text or json");
        }
        if ((to == null) == (from == null)) {
            throw new IllegalArgumentException(to == null
                    ? "give the flow: --to IP[:PORT/PROTO] (egress from the workload) or --from IP[:PORT/PROTO] "
                    + "(ingress)"
                    : "give either --to or --from, not both: one flow, one direction");
        }
        Flow flow = to != null
                ? Flow.parse(Flow.Direction.EGRESS, to, protocol, icmpType, icmpCode)
                : Flow.parse(Flow.Direction.INGRESS, from, protocol, icmpType, icmpCode);
        String ns = namespace == null ? ResourceValidator.DEFAULT_NAMESPACE : namespace;
        String name = workload;
        int slash = workload.indexOf('/');
        if (slash >= 0) {
            if (namespace != null) {
                throw new IllegalArgumentException("give the namespace once: " + workload + " or -n " + namespace);
            }
            ns = workload.substring(0, slash);
            name = workload.substring(slash + 1);
        }
        Main main = (Main) spec.parent().parent().userObject();
        PrintWriter err = spec.commandLine().getErr();
        Explanation explanation;
        try (Connection.Session session = main.connection().open()) {
            ResourceStore store = session.store();
            WorkloadEndpoint wep = findWorkload(store, ns, name);
            List<String> unreadable = new ArrayList<>();
            String node = wep.spec() == null ? null : wep.spec().node();
            Cluster cluster = new Cluster(
                    list(store, Kind.WORKLOAD_ENDPOINT, WorkloadEndpoint.class, unreadable),
                    list(store, Kind.HOST_ENDPOINT, HostEndpoint.class, unreadable),
                    list(store, Kind.NETWORK_SET, NetworkSet.class, unreadable),
                    list(store, Kind.GLOBAL_NETWORK_SET, GlobalNetworkSet.class, unreadable),
                    list(store, Kind.NETWORK_POLICY, NetworkPolicy.class, unreadable),
                    list(store, Kind.GLOBAL_NETWORK_POLICY, GlobalNetworkPolicy.class, unreadable),
                    list(store, Kind.PROFILE, Profile.class, unreadable),
                    list(store, Kind.NODE, Node.class, unreadable),
                    WorkloadChainSettings.of(node == null ? null : felixConfiguration(store, "node." + node),
                            felixConfiguration(store, "default")));
            // Felix skips what fails to decode too, so the verdict stands; the operator should still know.
            unreadable.forEach(u -> err.println("tabbyctl: warning: skipped unreadable " + u));
            explanation = FlowExplainer.explain(cluster, wep, flow);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(explanation));
        } else {
            out.print(ExplanationText.of(explanation));
        }
        out.flush();
        return 0;
    }

    /**
     * By its name in the namespace, as every tabbyctl command names a resource; failing that by its pod (or
     * workload) name when exactly one endpoint in the namespace has it, since Calico's endpoint names
     * ({@code node1-k8s-web-eth0}) are long.
     */
    private static WorkloadEndpoint findWorkload(ResourceStore store, String ns, String name) {
        ResourceId id = new ResourceId(Kind.WORKLOAD_ENDPOINT, ns, name);
        var exact = store.get(id);
        if (exact.isPresent()) {
            return (WorkloadEndpoint) exact.get();
        }
        List<WorkloadEndpoint> byPod = new ArrayList<>();
        for (Resource r : store.list(Kind.WORKLOAD_ENDPOINT, ns).items()) {
            WorkloadEndpoint w = (WorkloadEndpoint) r;
            if (w.spec() != null && (name.equals(w.spec().pod()) || name.equals(w.spec().workload()))) {
                byPod.add(w);
            }
        }
        if (byPod.size() == 1) {
            return byPod.get(0);
        }
        if (byPod.size() > 1) {
            List<String> names = byPod.stream().map(w -> w.metadata().name()).toList();
            throw new IllegalArgumentException("\"" + name + "\" names " + byPod.size()
                    + " WorkloadEndpoints in namespace " + ns + " (" + String.join(", ", names)
                    + "); give the endpoint's name");
        }
        throw new IllegalArgumentException("WorkloadEndpoint \"" + name + "\" not found in namespace " + ns
                + "; list workloads with 'tabbyctl get workloadendpoints -A'");
    }

    private static <T extends Resource> List<T> list(ResourceStore store, Kind kind, Class<T> type,
                                                     List<String> unreadable) {
        ResourceList l = store.list(kind, null);
        unreadable.addAll(l.unreadable());
        return l.items().stream().map(type::cast).toList();
    }

    private static FelixConfiguration felixConfiguration(ResourceStore store, String name) {
        return store.get(new ResourceId(Kind.FELIX_CONFIGURATION, null, name)).map(FelixConfiguration.class::cast)
                .orElse(null);
    }
}
