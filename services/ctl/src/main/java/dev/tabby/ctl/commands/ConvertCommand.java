package dev.tabby.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl convert -f FILE [-o yaml|json] [--ignore-validation]}, after calicoctl v3.18
 * (calicoctl/commands/convert.go), which converts Calico v1 manifests ({@code apiVersion: v1}) to v3.
 *
 * <p>Tabby has no v1 resources, so it does not convert them: a v1 document is refused naming it, and saying to convert
 * it with calicoctl v3.18. A {@code projectcalico.org/v3} manifest (which calicoctl refuses: "Unknown resource type")
 * is read, validated as {@code create} validates it, and printed canonically: defaults filled, values normalised,
 * keys in order, without the cluster-specific metadata that convert.go removes (uid, resourceVersion,
 * creationTimestamp). So {@code convert} checks a manifest and shows what Tabby would store, writing nothing.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Check a Calico v3 manifest and print it canonically (Calico v1 manifests are not converted).",
                "  tabbyctl convert -f ./policy.yaml -o yaml",
                "  cat policy.json | tabbyctl convert -f -"})
public final class ConvertCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "<FILENAME>",
            description = "Filename to use to create the resource. If set to \"-\" loads from stdin.")
    String filename;

    @Option(names = {"-o", "--output"}, defaultValue = "yaml", paramLabel = "<OUTPUT FORMAT>",
            description = "Output format. One of: yaml or json. [Default: yaml]")
    String output;

    @Option(names = "--ignore-validation", description = "Skip validation on the converted manifest.")
    boolean ignoreValidation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // convert.go: only yaml (or yml) and json.
        boolean json = switch (output) {
            case "yaml", "yml" -> false;
            case "json" -> true;
            default -> throw new CommandFailedException("unrecognized output format '" + output + "'");
        };
        String text = ConvertInput.text(filename, System.in);
        List<ConvertInput.Document> documents = ConvertInput.documents(text);
        for (ConvertInput.Document d : documents) {
            if ("v1".equals(d.apiVersion())) {
                throw new CommandFailedException("Failed to execute command: " + d.describe()
                        + ": Calico v1 resources (apiVersion: v1) are not converted by tabbyctl; convert them with "
                        + "calicoctl v3.18 'calicoctl convert', then use its projectcalico.org/v3 output");
            }
        }
        List<JsonNode> trees = new ArrayList<>();
        if (ignoreValidation) {
            documents.forEach(d -> trees.add(exported(d.tree().deepCopy())));
        } else {
            Manifest m;
            try {
                m = ResourceCodec.read(text);
            } catch (ManifestException e) {
                // convert.go: "Converted manifest resource(s) failed validation: %sRe-run the command with
                // '--ignore-validation' flag to see the converted output.\n"
                throw new CommandFailedException("Converted manifest resource(s) failed validation: "
                        + String.join("; ", e.problems()) + ". Re-run the command with '--ignore-validation' flag to "
                        + "see the converted output.");
            }
            PrintWriter err = spec.commandLine().getErr();
            m.warnings().forEach(w -> err.println("tabbyctl: warning: " + w));
            for (Resource r : m.resources()) {
                trees.add(exported(ResourceCodec.toTree(r)));
            }
        }
        // common/printer.go ResourcePrinterYAML/JSON: one resource alone, several as a list.
        JsonNode out;
        if (trees.size() == 1) {
            out = trees.get(0);
        } else {
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            trees.forEach(list::add);
            out = list;
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(json ? ResourceCodec.toJson(out) : ResourceCodec.toYaml(out));
        w.flush();
        return 0;
    }

    /** convert.go removes the metadata that belongs to one cluster's copy of a resource. */
    private static JsonNode exported(JsonNode tree) {
        if (tree.path("metadata").isObject()) {
            ObjectNode meta = (ObjectNode) tree.get("metadata");
            meta.remove(List.of("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                    "deletionGracePeriodSeconds", "clusterName"));
        }
        return tree;
    }
}
