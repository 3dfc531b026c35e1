package dev.tabby.ctl.commands;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = "Delete the resources of a manifest (-f), or one by kind and name.")
public final class DeleteCommand extends ManifestCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
    String name;

    @Mixin
    NamespaceOption namespace;

    @Option(names = "--skip-not-exists", description = "do not fail for resources that do not exist")
    boolean skipNotExists;

    @Override
    String verb() {
        return "deleted";
    }

    @Override
    void precheck(ResourceStore store, Resource r) {
        ResourceId id = ResourceId.of(r);
        if (!skipNotExists && store.get(id).isEmpty()) {
            throw new ResourceNotFoundException(id, null);
        }
    }

    @Override
    Resource write(ResourceStore store, Resource r) {
        ResourceId id = ResourceId.of(r);
        try {
            return store.delete(id, r.metadata().resourceVersion());
        } catch (ResourceNotFoundException e) {
            if (skipNotExists) {
                return r;
            }
            throw e;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (file != null) {
            if (kind != null) {
                throw new IllegalArgumentException("give either -f FILE or KIND NAME, not both");
            }
            return super.call();
        }
        if (kind == null || name == null) {
            throw new IllegalArgumentException("say what to delete: -f FILE, or KIND NAME");
        }
        Kind k = KindArgument.parse(kind);
        String ns = namespace.resolve(k);
        ResourceId id = new ResourceId(k, ns, name);
        try (Connection.Session session = main.connection().open()) {
            session.store().delete(id, null);
        } catch (ResourceNotFoundException e) {
            if (!skipNotExists) {
                throw e;
            }
        }
        spec.commandLine().getOut().println("Successfully deleted 1 resource(s): " + id);
        return 0;
    }
}
