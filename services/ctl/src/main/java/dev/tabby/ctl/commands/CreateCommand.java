package dev.tabby.ctl.commands;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.Resource;
import picocli.CommandLine.Command;

@Command(name = "create", description = "Create resources from a manifest; fails if any already exists.")
public final class CreateCommand extends ManifestCommand {
    @Override
    String verb() {
        return "created";
    }

    @Override
    void precheck(ResourceStore store, Resource r) {
        ResourceId id = ResourceId.of(r);
        if (store.get(id).isPresent()) {
            throw new ResourceExistsException(id, null);
        }
    }

    @Override
    Resource write(ResourceStore store, Resource r) {
        return store.create(r);
    }
}
