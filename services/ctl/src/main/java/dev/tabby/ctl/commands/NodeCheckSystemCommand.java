package dev.tabby.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.ctl.Env;
import dev.tabby.ctl.Main;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.datastore.status.StatusKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Shows the verdict the requirements probe on a node last published. Exit 1 when a check fails there, so scripts
 * can gate on it as they would on {@code calicoctl node checksystem}.
 */
@Command(name = "checksystem", mixinStandardHelpOptions = true, description = "Show a node's requirements-probe report (default: this node).")
public final class NodeCheckSystemCommand implements Callable<Integer> {
    static final String SERVICE = "requirements-probe";

    @Parameters(index = "0", arity = "0..1", paramLabel = "NODE")
    String node;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", description = "table (default) or json")
    String output;

    @ParentCommand
    NodeCommand nodeCommand;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!output.equals("table") && !output.equals("json")) {
            throw new IllegalArgumentException("output format \"" + output + "\" is not known; use table or json");
        }
        String name = node != null ? node : NodeName.resolve(Env.get());
        String key = StatusKeys.of(name, SERVICE);
        Main main = (Main) spec.parent().parent().userObject();
        KvEntry entry;
        try (Connection.Session session = main.connection().open()) {
            entry = session.kv().get(key).orElseThrow(() -> new IllegalArgumentException("node " + name
                    + " has no requirements-probe report at " + key + "; is the probe running there? "
                    + "(or run bin/tabby probe on it)"));
        }
        String json = new String(entry.value(), StandardCharsets.UTF_8);
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + " does not hold a probe report (not JSON)");
        }
        JsonNode checks = report.path("checks");
        if (!checks.isArray()) {
            throw new IllegalArgumentException(key + " does not hold a probe report (no checks list)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            out.println(json);
        } else {
            printTable(out, name, report.path("time").asText("?"), checks);
        }
        for (JsonNode c : checks) {
            if ("fail".equals(c.path("status").asText())) {
                return 1;
            }
        }
        return 0;
    }

    private static void printTable(PrintWriter out, String node, String time, JsonNode checks) {
        out.println("Node " + node + ", probed " + time);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CHECK", "STATUS", "OBSERVED", "REMEDY"});
        for (JsonNode c : checks) {
            rows.add(new String[] {c.path("id").asText(), c.path("status").asText(), c.path("observed").asText(""),
                    "pass".equals(c.path("status").asText()) ? "" : c.path("remedy").asText("")});
        }
        int[] w = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            out.println(String.format("%-" + w[0] + "s   %-" + w[1] + "s   %-" + w[2] + "s   %s", (Object[]) r).stripTrailing());
        }
    }
}
