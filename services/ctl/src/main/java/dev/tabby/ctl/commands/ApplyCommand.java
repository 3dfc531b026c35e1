package dev.tabby.ctl.commands;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.model.v3.Resource;
import picocli.CommandLine.Command;

@Command(name = "apply", description = "Create resources from a manifest, or update those that exist.")
public final class ApplyCommand extends ManifestCommand {
    @Override
    String verb() {
        return "applied";
    }

    @Override
    Resource write(ResourceStore store, Resource r) {
        return store.apply(r);
    }
}
