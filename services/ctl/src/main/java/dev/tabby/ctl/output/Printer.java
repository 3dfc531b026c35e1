package dev.tabby.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Prints what {@code get} found the way calicoctl v3.18 does (calicoctl/commands/common/printer.go): a table per
 * result, each followed by an empty line; YAML or JSON of the one result, or of all of them as a list; or the
 * result of the operator's Go template over all of them.
 */
public final class Printer {
    /**
     * One result as calicoctl holds it: a whole kind listed ({@code <Kind>List} with its etcd revision), or one
     * resource asked for by name (or named in a file).
     */
    public record Found(Kind kind, List<Resource> items, String revision, boolean listed) {
        public static Found list(Kind kind, List<Resource> items, long revision) {
            return new Found(kind, items, Long.toString(revision), true);
        }

        public static Found one(Resource r) {
            return new Found(r.kind(), List.of(r), null, false);
        }

        JsonNode tree() {
            return listed ? ResourceCodec.toListTree(items, kind, revision) : ResourceCodec.toTree(items.get(0));
        }

        Object goView() {
            return listed ? GoStructs.list(kind, items, revision) : GoStructs.view(items.get(0));
        }
    }

    private Printer() {
    }

    /**
     * @param printNamespace calicoctl's: -A or -n was given, so the tables of namespaced kinds start with NAMESPACE
     * @param clusterAsNumber the cluster's AS number for Node's ASN column and the {@code config} function; asked
     *                        for only when needed
     * @throws IllegalArgumentException for a custom column the kind has not, or a template that fails
     */
    public static void print(PrintWriter out, List<Found> results, OutputFormat format, boolean printNamespace,
                             boolean allNamespaces, Supplier<String> clusterAsNumber) {
        Columns.Context ctx = cachedAsNumber(clusterAsNumber);
        switch (format.type()) {
            // Nothing found is Go's nil slice, which calicoctl's YAML and JSON both print as null.
            case YAML -> out.print(results.isEmpty() ? "null\n" : ResourceCodec.toYaml(tree(results)));
            case JSON -> out.print(results.isEmpty() ? "null\n" : ResourceCodec.toJson(tree(results)));
            case NAME -> results.forEach(f -> f.items().forEach(r -> out.println(f.kind().kindName().toLowerCase(Locale.ROOT)
                    + "/" + (allNamespaces && f.kind().namespaced() ? r.namespace() + "/" : "") + r.name())));
            case PS, WIDE, CUSTOM_COLUMNS -> {
                // Each result is formatted whole before any is printed: a bad custom column prints nothing.
                StringBuilder text = new StringBuilder();
                for (Found f : results) {
                    List<String> headings = format.type() == OutputFormat.Type.CUSTOM_COLUMNS ? format.columns()
                            : Columns.of(f.kind()).headings(format.type() == OutputFormat.Type.WIDE);
                    boolean namespaceColumn = printNamespace && format.type() != OutputFormat.Type.CUSTOM_COLUMNS;
                    text.append(TabWriter.calicoctl().format(Columns.cells(f.kind(), headings, namespaceColumn,
                            f.items(), ctx)));
                    // printer.go: "Leave a gap after each table."
                    text.append('\n');
                }
                out.print(text);
            }
            case GO_TEMPLATE -> {
                List<Object> data = new ArrayList<>();
                results.forEach(f -> data.add(f.goView()));
                out.print(GoTemplateRun.run(format.template(), data, ctx));
            }
        }
        out.flush();
    }

    /** printer.go prints the one result alone, several as a list. */
    private static JsonNode tree(List<Found> results) {
        if (results.size() == 1) {
            return results.get(0).tree();
        }
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        results.forEach(f -> all.add(f.tree()));
        return all;
    }

    /** calicoctl's config function reads BGPConfiguration default once per run, when first asked. */
    private static Columns.Context cachedAsNumber(Supplier<String> lookup) {
        String[] cached = new String[1];
        return () -> {
            if (cached[0] == null) {
                cached[0] = lookup.get();
            }
            return cached[0];
        };
    }
}
