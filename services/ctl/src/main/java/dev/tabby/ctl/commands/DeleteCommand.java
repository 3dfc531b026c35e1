package dev.tabby.ctl.commands;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.datastore.resource.ResourceRefusedException;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** calicoctl delete (calicoctl/commands/delete.go): by manifest, or by KIND NAME... */
@Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete a set of resources by filename, directory or stdin, or by type and names.",
                "",
                "The resource type is case insensitive and may be pluralized or abbreviated (ippool, ippools, ipp). "
                        + "Attempting to delete a resource that does not exist is an error unless "
                        + "--skip-not-exists is set; then it is skipped and included in the success count."})
public final class DeleteCommand extends ManifestCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<KIND>", description = "the resource type, e.g. ippool")
    String kind;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "<NAME>", description = "names of resources of that type")
    List<String> names = new ArrayList<>();


    @Option(names = {"-s", "--skip-not-exists"}, description = "Skip over and treat as successful, resources that "
            + "don't exist.")
    boolean skipNotExists;

    @Override
    ConfigResults.Action action() {
        return ConfigResults.Action.DELETE;
    }

    @Override
    boolean skip(DatastoreException e) {
        return skipNotExists && e instanceof ResourceNotFoundException;
    }

    @Override
    void write(Connection.Session session, Resource r) {
        ResourceDeletion.delete(session, ResourceId.of(r), r.metadata().resourceVersion());
    }

    @Override
    public Integer call() {
        if (file != null) {
            if (kind != null) {
                throw new ParameterException(spec.commandLine(), "give either -f <FILENAME> or <KIND> <NAME>..., not both");
            }
            return super.call();
        }
        if (kind == null || names.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "say what to delete: -f <FILENAME>, or <KIND> <NAME>...");
        }
        Kind k = KindArgument.parse(kind);
        String ns = namespace.resolve(k);
        List<ResourceId> ids = names.stream().map(n -> new ResourceId(k, ns, n)).toList();
        ConfigResults results = new ConfigResults(ConfigResults.Action.DELETE,
                Collections.nCopies(ids.size(), k.kindName()), true);
        try (Connection.Session session = main.connection().open()) {
            for (ResourceId id : ids) {
                try {
                    ResourceDeletion.delete(session, id, null);
                    results.handled();
                } catch (ResourceNotFoundException e) {
                    if (skipNotExists) {
                        results.handled();
                    } else {
                        results.failed(e);
                    }
                } catch (DatastoreException e) {
                    results.failed(e);
                    if (!(e instanceof ResourceConflictException || e instanceof ResourceRefusedException)) {
                        break;
                    }
                }
            }
        }
        results.report(spec.commandLine().getOut());
        return 0;
    }
}
