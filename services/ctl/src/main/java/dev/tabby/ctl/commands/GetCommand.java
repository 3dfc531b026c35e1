package dev.tabby.ctl.commands;

import dev.tabby.ctl.output.Printer;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceList;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import dev.tabby.ctl.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show resources of a kind, or one by name.")
public final class GetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "e.g. ippool, node, bgppeer, globalnetworkpolicy, networkpolicy")
    String kind;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME", description = "one or more names (calicoctl get "
            + "KIND NAME...); none lists the kind")
    List<String> names = new ArrayList<>();

    @Mixin
    NamespaceOption namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "every namespace of a namespaced kind")
    boolean allNamespaces;

    @Option(names = {"-o", "--output"}, defaultValue = "ps", paramLabel = "FORMAT", description = "ps (default), wide, yaml, json or name")
    String output;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Kind k = KindArgument.parse(kind);
        Printer.Format format = Printer.parseFormat(output);
        if (allNamespaces && namespace.namespace != null) {
            throw new IllegalArgumentException("give either -n NAMESPACE or -A, not both");
        }
        if (allNamespaces && !names.isEmpty()) {
            throw new IllegalArgumentException("-A lists a whole kind; leave out NAME or give -n NAMESPACE");
        }
        String ns = allNamespaces ? null : namespace.resolve(k);
        PrintWriter out = spec.commandLine().getOut();
        try (Connection.Session session = main.connection().open()) {
            if (names.size() == 1) {
                ResourceId id = new ResourceId(k, ns, names.get(0));
                Resource r = session.store().get(id).orElseThrow(() -> new ResourceNotFoundException(id, null));
                Printer.print(out, k, List.of(r), format, true, false, 0);
                return 0;
            }
            if (!names.isEmpty()) {
                // calicoctl get with several names: the ones found, in the order given; each missing one reported.
                List<Resource> found = new ArrayList<>();
                List<String> missing = new ArrayList<>();
                for (String n : names) {
                    ResourceId id = new ResourceId(k, ns, n);
                    session.store().get(id).ifPresentOrElse(found::add,
                            () -> missing.add(new ResourceNotFoundException(id, null).getMessage()));
                }
                Printer.print(out, k, found, format, false, false, 0);
                missing.forEach(m -> spec.commandLine().getErr().println("tabbyctl: " + m));
                return missing.isEmpty() ? 0 : 1;
            }
            ResourceList list = session.store().list(k, ns);
            Printer.print(out, k, list.items(), format, false, allNamespaces, list.revision());
            if (!list.unreadable().isEmpty()) {
                list.unreadable().forEach(u -> spec.commandLine().getErr().println("tabbyctl: unreadable: " + u));
                return 1;
            }
        }
        return 0;
    }
}
