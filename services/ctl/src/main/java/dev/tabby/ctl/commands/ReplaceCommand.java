package dev.tabby.ctl.commands;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.model.v3.Resource;
import picocli.CommandLine.Command;

/** calicoctl replace (calicoctl/commands/replace.go). */
@Command(name = "replace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replace a set of resources by filename, directory or stdin. JSON and YAML formats are accepted.",
                "",
                "Attempting to replace a resource that does not exist is a terminating error. The resources are "
                        + "replaced in the order they are specified; give the complete resource, not only the "
                        + "fields that change."})
public final class ReplaceCommand extends ManifestCommand {
    @Override
    ConfigResults.Action action() {
        return ConfigResults.Action.REPLACE;
    }

    @Override
    void write(Connection.Session session, Resource r) {
        ResourceStore store = session.store();
        store.update(r);
    }
}
