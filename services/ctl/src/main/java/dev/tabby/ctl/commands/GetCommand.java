package dev.tabby.ctl.commands;

import dev.tabby.ctl.Main;
import dev.tabby.ctl.output.OutputFormat;
import dev.tabby.ctl.output.Printer;
import dev.tabby.ctl.output.Printer.Found;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceList;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code get KIND [NAME...]} or {@code get -f FILE}, as calicoctl v3.18's get (calicoctl/commands/get.go and
 * common/resources.go ExecuteConfigCommand): a kind without names is listed as one result; each name, or each
 * resource of the file, is fetched on its own and is a result of its own (its own table); the ones not found are
 * reported after the output, and the exit code is 1.
 */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show resources of a kind, or one by name, or "
        + "those named in a manifest (-f).")
public final class GetCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "e.g. ippool, node, bgppeer, "
            + "globalnetworkpolicy, networkpolicy")
    String kind;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME", description = "one or more names (calicoctl get "
            + "KIND NAME...); none lists the kind")
    List<String> names = new ArrayList<>();

    @Option(names = {"-f", "--filename"}, paramLabel = "<FILENAME>", description = "Filename to use to get the "
            + "resource. If set to \"-\" loads from stdin. If filename is a directory, this command is invoked for "
            + "each .json .yaml and .yml file within that directory.")
    String file;

    @Option(names = {"-R", "--recursive"}, description = "Process the filename specified in -f or --filename recursively.")
    boolean recursive;

    @Option(names = "--skip-empty", description = "Do not error if any files or directory specified using -f or "
            + "--filename contain no data.")
    boolean skipEmpty;

    @Mixin
    NamespaceOption namespace;

    // get.go also takes -a, the old spelling.
    @Option(names = {"-A", "-a", "--all-namespaces"}, description = "every namespace of a namespaced kind")
    boolean allNamespaces;

    @Option(names = {"-o", "--output"}, defaultValue = "ps", paramLabel = "FORMAT", description = "ps (default), wide, "
            + "yaml, json, name, custom-columns=HEADING,..., go-template=TEMPLATE or go-template-file=FILE")
    String output;

    @Option(names = "--export", description = "Returns the named resources stripped of cluster-specific information "
            + "(namespace, uid, resourceVersion, creationTimestamp). Ignored when no NAME is given, as in calicoctl.")
    boolean export;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (kind == null && file == null) {
            throw new ParameterException(spec.commandLine(), "give KIND [NAME...] or -f FILENAME");
        }
        if (kind != null && file != null) {
            throw new ParameterException(spec.commandLine(), "give either KIND [NAME...] or -f FILENAME, not both");
        }
        OutputFormat format = OutputFormat.parse(output);
        if (allNamespaces && namespace.namespace != null) {
            throw new IllegalArgumentException("give either -n NAMESPACE or -A, not both");
        }
        // get.go: the NAMESPACE column is shown when -A or -n was given.
        boolean printNamespace = allNamespaces || (namespace.namespace != null && !namespace.namespace.isEmpty());
        List<Found> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        PrintWriter out = spec.commandLine().getOut();
        List<Resource> fromFile = file == null ? List.of() : fromFile();
        try (Connection.Session session = main.connection().open()) {
            if (file != null) {
                for (Resource r : fromFile) {
                    get(session, r.kind(), r.kind().namespaced() ? r.namespace() : null, r.name(), false, results, errors,
                            warnings);
                }
            } else {
                Kind k = KindArgument.parse(kind);
                if (!k.namespaced() && (allNamespaces || namespace.namespace != null)) {
                    // resources.go handleNamespace
                    throw new IllegalArgumentException(k.kindName() + " is not namespaced");
                }
                if (allNamespaces && !names.isEmpty()) {
                    throw new IllegalArgumentException("-A lists a whole kind; leave out NAME or give -n NAMESPACE");
                }
                if (names.stream().anyMatch(String::isEmpty)) {
                    throw new IllegalArgumentException("resource name may not be empty");
                }
                String ns = allNamespaces ? null : namespace.resolve(k);
                if (names.isEmpty()) {
                    // Lenient, as Calico's backend reads: what another writer stored is shown, with what is wrong.
                    ResourceList list = session.store().listLenient(k, ns);
                    results.add(Found.list(k, list.items(), list.revision()));
                    warnings.addAll(list.warnings());
                    list.unreadable().forEach(u -> errors.add("unreadable: " + u));
                } else {
                    for (String n : names) {
                        get(session, k, ns, n, export, results, errors, warnings);
                    }
                }
            }
            Printer.print(out, results, format, printNamespace, allNamespaces, () -> GetClusterAs.of(session.store()));
        }
        warnings.forEach(w -> spec.commandLine().getErr().println("tabbyctl: warning: " + w));
        errors.forEach(m -> spec.commandLine().getErr().println("tabbyctl: " + m));
        return errors.isEmpty() ? 0 : 1;
    }

    private List<Resource> fromFile() {
        if (allNamespaces) {
            throw new IllegalArgumentException("-A lists a whole kind; with -f the file names each resource");
        }
        // -n fills in and must match each namespaced resource's namespace (resources.go handleNamespace).
        ManifestFiles.Read read = ManifestFiles.read(file, recursive, skipEmpty, namespace.namespace, System.in);
        read.warnings().forEach(w -> spec.commandLine().getErr().println("tabbyctl: warning: " + w));
        return read.resources();
    }

    private static void get(Connection.Session session, Kind k, String ns, String name, boolean export,
                            List<Found> results, List<String> errors, List<String> warnings) {
        ResourceId id = new ResourceId(k, ns, name);
        session.store().getLenient(id).ifPresentOrElse(
                s -> {
                    results.add(Found.one(export ? GetExport.strip(s.resource()) : s.resource()));
                    warnings.addAll(s.warnings());
                },
                () -> errors.add(new ResourceNotFoundException(id, null).getMessage()));
    }
}
