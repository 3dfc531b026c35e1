package dev.tabby.ctl.commands;

import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Names;
import dev.tabby.model.v3.Resource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.tabby.ctl.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "label", mixinStandardHelpOptions = true, description = "Set (KEY=VALUE) or remove (KEY --remove) a label on one resource.")
public final class LabelCommand implements Callable<Integer> {
    /** A label write races other writers; re-read and retry this often before giving up. */
    private static final int ATTEMPTS = 5;

    @Parameters(index = "0", paramLabel = "KIND")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2", paramLabel = "KEY[=VALUE]")
    String label;

    @Option(names = "--overwrite", description = "replace the value of a label that is already set")
    boolean overwrite;

    @Option(names = "--remove", description = "remove the label KEY")
    boolean remove;

    @Mixin
    NamespaceOption namespace;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Kind k = KindArgument.parse(kind);
        String key = label;
        String value = null;
        int eq = label.indexOf('=');
        if (remove && eq >= 0) {
            throw new IllegalArgumentException("--remove takes a label KEY, not KEY=VALUE");
        }
        if (!remove) {
            if (eq < 0) {
                throw new IllegalArgumentException("\"" + label + "\": give KEY=VALUE to set a label, or KEY --remove");
            }
            key = label.substring(0, eq);
            value = label.substring(eq + 1);
            String why = Names.checkLabelValue(value);
            if (why != null) {
                throw new IllegalArgumentException("label value \"" + value + "\" " + why);
            }
        }
        String keyWhy = Names.checkLabelKey(key);
        if (keyWhy != null) {
            throw new IllegalArgumentException("label key \"" + key + "\" " + keyWhy);
        }
        String ns = namespace.resolve(k);
        ResourceId id = new ResourceId(k, ns, name);
        try (Connection.Session session = main.connection().open()) {
            for (int attempt = 1; ; attempt++) {
                Resource current = session.store().get(id).orElseThrow(() -> new ResourceNotFoundException(id, null));
                Map<String, String> labels = new LinkedHashMap<>(current.metadata().labelsOrEmpty());
                if (remove) {
                    if (labels.remove(key) == null) {
                        throw new IllegalArgumentException(id + " has no label \"" + key + "\"");
                    }
                } else {
                    String old = labels.get(key);
                    if (old != null && !overwrite && !old.equals(value)) {
                        throw new IllegalArgumentException(id + " already has label " + key + "=" + old
                                + "; add --overwrite to change it");
                    }
                    labels.put(key, value);
                }
                try {
                    session.store().update(current.withMetadata(current.metadata().withLabels(labels)));
                    break;
                } catch (ResourceConflictException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }
        spec.commandLine().getOut().println(remove ? "Successfully removed label " + key + " from " + id
                : "Successfully set label " + key + "=" + value + " on " + id);
        return 0;
    }
}
