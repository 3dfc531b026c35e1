package dev.tabby.ctl.commands;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.model.v3.Resource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** calicoctl create (calicoctl/commands/create.go). */
@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create a set of resources by filename, directory or stdin. JSON and YAML formats are accepted.",
                "",
                "Attempting to create a resource that already exists is an error unless --skip-exists is set; then "
                        + "resources that already exist are skipped and included in the success count. The "
                        + "resources are created in the order they are specified."})
public final class CreateCommand extends ManifestCommand {
    @Option(names = "--skip-exists", description = "Skip over and treat as successful any attempts to create an entry "
            + "that already exists.")
    boolean skipExists;

    @Override
    ConfigResults.Action action() {
        return ConfigResults.Action.CREATE;
    }

    @Override
    boolean skip(DatastoreException e) {
        return skipExists && e instanceof ResourceExistsException;
    }

    @Override
    void write(Connection.Session session, Resource r) {
        ResourceStore store = session.store();
        store.create(r);
    }
}
