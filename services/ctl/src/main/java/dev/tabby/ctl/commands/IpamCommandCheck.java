package dev.tabby.ctl.commands;

import dev.tabby.ipam.Finding;
import dev.tabby.ipam.IpamChecker;
import dev.tabby.ipam.IpamReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl ipam check}: leaked addresses (allocated, no owner), owners without an allocation, allocations and
 * handles that disagree, blocks affine to nodes that are gone. One finding per line; exit 1 when there is any.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check IPAM for leaked addresses and inconsistencies; exit 1 when anything is found.")
public final class IpamCommandCheck implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json")
    String output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!output.equals("text") && !output.equals("json")) {
            throw new IllegalArgumentException("output format \"" + output + "\" is not known; use text or json");
        }
        IpamReport report;
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            report = new IpamChecker(session.kv()).check();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            out.println(report.toJson());
        } else {
            report.findings().forEach(f -> out.println(f.detail()));
            String scope = report.blocks() + " blocks, " + report.allocations() + " allocations, " + report.handles()
                    + " handles, " + report.owners() + " owned addresses at revision " + report.revision();
            out.println(report.clean() ? "IPAM is consistent: " + scope
                    : "Found " + report.findings().size() + " problem(s) (" + summary(report.counts()) + ") in " + scope);
        }
        out.flush();
        return report.clean() ? 0 : 1;
    }

    private static String summary(Map<Finding.Kind, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((kind, n) -> parts.add(n + " " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        return String.join(", ", parts);
    }
}
