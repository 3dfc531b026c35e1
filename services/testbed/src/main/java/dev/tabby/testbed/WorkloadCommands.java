package dev.tabby.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/tabby workload add|del|exec|list}: shape the testbed's workloads, for operators and tests. */
@Command(name = "workload", description = "Add, delete, list workloads, or run a command in one.",
        subcommands = {WorkloadCommands.Add.class, WorkloadCommands.Del.class, WorkloadCommands.Exec.class,
                WorkloadCommands.ListCommand.class})
final class WorkloadCommands {

    static State loadState() {
        State state = State.load(TestbedMain.varDir());
        if (state == null) {
            throw new IllegalStateException("no testbed is up; start one with bin/tabby up");
        }
        return state;
    }

    static State.WorkloadInfo find(State state, String name) {
        return state.workloads.stream().filter(w -> w.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload \"" + name + "\"; bin/tabby workload list shows them"));
    }

    @Command(name = "add", description = "Attach a new workload through tabby-cni on a node; prints its address.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--node", required = true)
        String node;

        @Option(names = "--namespace", defaultValue = "default", description = "the WorkloadEndpoint's namespace")
        String namespace;

        @Option(names = "--labels", description = "k=v,k2=v2 on the WorkloadEndpoint")
        String labels;

        @Option(names = "--ip", description = "ask for this address (CNI_ARGS IP=), from any pool, even another node's block")
        String ip;

        @Override
        public Integer call() {
            State state = loadState();
            Layout layout = Layout.of(state, TestbedMain.varDir());
            try (KeyValueStore kv = KeyValueStore.connect(EtcdMembers.hostConfig(state))) {
                State.WorkloadInfo w = new Workloads(layout, state).add(name, node, namespace,
                        Workloads.parseLabels(labels), ip, new Underlay(layout, state), new ResourceStore(kv));
                System.out.println(w.ip);
            }
            return 0;
        }
    }

    @Command(name = "del", description = "Detach a workload (CNI DEL) and remove its namespace.")
    static final class Del implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            State state = loadState();
            State.WorkloadInfo w = find(state, name);
            Layout layout = Layout.of(state, TestbedMain.varDir());
            Shell.Result r = new Workloads(layout, state).delete(w);
            if (!r.ok()) {
                throw new IllegalStateException("CNI DEL of " + name + " failed: " + Workloads.firstLine(r)
                        + "; the workload is kept, try again");
            }
            Shell.must("ip", "netns", "del", w.namespace);
            state.namespaces.remove(w.namespace);
            state.workloads.remove(w);
            state.save(TestbedMain.varDir());
            System.out.println("tabby: workload " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "exec", description = "Run a command inside a workload's network namespace: workload exec NAME -- CMD...")
    static final class Exec implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*")
        List<String> command;

        @Override
        public Integer call() throws Exception {
            State.WorkloadInfo w = find(loadState(), name);
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", w.namespace));
            cmd.addAll(command);
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        }
    }

    @Command(name = "list", description = "The testbed's workloads.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, defaultValue = "table")
        String output;

        @Override
        public Integer call() throws Exception {
            State state = loadState();
            if (output.equals("json")) {
                ObjectMapper json = new ObjectMapper();
                ArrayNode list = json.createArrayNode();
                for (State.WorkloadInfo w : state.workloads) {
                    ObjectNode o = list.addObject();
                    o.put("name", w.name);
                    o.put("node", w.node);
                    o.put("ip", w.ip);
                    o.put("namespace", w.k8sNamespace);
                    o.put("netns", w.namespace);
                    o.putPOJO("labels", w.labels);
                }
                System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(list));
            } else if (output.equals("table")) {
                System.out.printf("%-16s %-8s %-16s %-12s %s%n", "NAME", "NODE", "IP", "NAMESPACE", "LABELS");
                for (State.WorkloadInfo w : state.workloads) {
                    System.out.printf("%-16s %-8s %-16s %-12s %s%n", w.name, w.node, w.ip, w.k8sNamespace, Status.labels(w));
                }
            } else {
                throw new IllegalArgumentException("-o " + output + " is not known; use table or json");
            }
            return 0;
        }
    }
}
