package dev.tabby.ctl.commands;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.model.v3.Resource;
import picocli.CommandLine.Command;

/** calicoctl apply (calicoctl/commands/apply.go). */
@Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create or replace a set of resources by filename, directory or stdin. JSON and YAML formats "
                + "are accepted.",
                "",
                "A resource that does not exist is created; one that exists has its specification replaced in its "
                        + "entirety, so give the complete resource, not only the fields that change. The resources "
                        + "are applied in the order they are specified."})
public final class ApplyCommand extends ManifestCommand {
    @Override
    ConfigResults.Action action() {
        return ConfigResults.Action.APPLY;
    }

    @Override
    void write(Connection.Session session, Resource r) {
        ResourceStore store = session.store();
        store.apply(r);
    }
}
