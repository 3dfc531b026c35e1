package dev.tabby.ctl.commands;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.v3.Resource;
import picocli.CommandLine.Command;

@Command(name = "replace", description = "Replace existing resources with a manifest's; fails if any does not exist.")
public final class ReplaceCommand extends ManifestCommand {
    @Override
    String verb() {
        return "replaced";
    }

    @Override
    void precheck(ResourceStore store, Resource r) {
        ResourceId id = ResourceId.of(r);
        if (store.get(id).isEmpty()) {
            throw new ResourceNotFoundException(id, "use create or apply to add it");
        }
    }

    @Override
    Resource write(ResourceStore store, Resource r) {
        return store.update(r);
    }
}
