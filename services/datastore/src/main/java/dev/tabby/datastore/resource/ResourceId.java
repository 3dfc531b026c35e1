package dev.tabby.datastore.resource;

import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;

/** Which resource: kind, namespace (namespaced kinds only) and name. Prints as an operator writes it. */
public record ResourceId(Kind kind, String namespace, String name) {

    public static ResourceId of(Resource r) {
        return new ResourceId(r.kind(), r.kind().namespaced() ? r.namespace() : null, r.name());
    }

    @Override
    public String toString() {
        return kind.kindName() + " \"" + (namespace == null ? "" : namespace + "/") + name + "\"";
    }
}
