package dev.tabby.probe.cli;

import dev.tabby.probe.Mode;
import dev.tabby.probe.Probe;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Report;
import dev.tabby.probe.ReportJson;
import dev.tabby.probe.ReportTable;
import dev.tabby.probe.host.Glob;
import dev.tabby.probe.host.HostRoot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tabby probe}: is this host fit to run Tabby, and what to fix. Exit 0 when no check fails, 1 when one does
 * or the arguments are wrong (with a one-line message).
 */
@Command(name = "tabby probe", sortOptions = false,
        description = "Check this host against Tabby's system requirements: one verdict and remedy per requirement.")
public final class ProbeCli implements Callable<Integer> {

    @Option(names = "--host-root", paramLabel = "DIR",
            description = "Read the host's /etc, /proc, /sys and /lib/modules under DIR (a container with the host's "
                    + "root mounted at /host, or a fixture). Default: /")
    Path hostRoot;

    @Option(names = "--mode", paramLabel = "MODES", defaultValue = "ipip,bgp",
            description = "Networking modes in use, comma-separated: ipip, vxlan, bgp. Default: ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--peers", description = "Also try TCP 179 towards every other node in the datastore.")
    boolean peers;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json")
    String output;

    @Option(names = "--node", paramLabel = "NAME", description = "This node's name. Default: TABBY_NODENAME or the host name")
    String node;

    @Option(names = "--only", paramLabel = "IDS", split = ",",
            description = "Run only these checks (ids, '*' allowed: --only 'module-*,arch')")
    List<String> only;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    private final PrintWriter out;
    private final Map<String, String> env;

    ProbeCli(PrintWriter out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** One invocation; returns the exit code. Tests call this directly. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new ProbeCli(out, env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, argv) -> {
            err.println("tabby probe: " + ex.getMessage().lines().findFirst().orElse("bad arguments")
                    + " (see 'tabby probe --help')");
            return 1;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            String m = ex.getMessage();
            err.println("tabby probe: " + (m == null ? ex.getClass().getSimpleName() : m.lines().findFirst().orElse("")));
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        Set<Mode> modes = Mode.parseList(mode);
        if (!output.equals("table") && !output.equals("json")) {
            throw new IllegalArgumentException("-o: '" + output + "' is not a format; use table or json");
        }
        HostRoot host;
        if (hostRoot == null) {
            host = HostRoot.system();
        } else {
            if (!Files.isDirectory(hostRoot)) {
                throw new IllegalArgumentException("--host-root: " + hostRoot + " is not a directory");
            }
            host = HostRoot.at(hostRoot);
        }
        Probe probe = new Probe();
        Predicate<String> selected = selection(probe);
        ProbeContext ctx = ProbeContext.builder(host).modes(modes).peers(peers).env(env).node(node).build();
        Report report = probe.run(ctx, selected);
        out.print(output.equals("json") ? ReportJson.write(report) + "\n" : ReportTable.render(report));
        out.flush();
        return report.failed() ? 1 : 0;
    }

    private Predicate<String> selection(Probe probe) {
        if (only == null || only.isEmpty()) {
            return id -> true;
        }
        List<String> patterns = new ArrayList<>();
        for (String p : only) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (probe.ids().stream().noneMatch(id -> Glob.simple(t, id))) {
                throw new IllegalArgumentException("--only: no check is called '" + t + "'; ids are "
                        + String.join(", ", probe.ids().stream().filter(id -> !id.startsWith("module-")).toList())
                        + " and module-<name>");
            }
            patterns.add(t);
        }
        return id -> patterns.stream().anyMatch(p -> Glob.simple(p, id));
    }
}
