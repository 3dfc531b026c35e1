package dev.tabby.renderer.state;

import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;

/**
 * One resource as the datastore now has it.
 *
 * @param id       {@code <name>}, or {@code <namespace>/<name>} for a namespaced kind
 * @param resource null when it was deleted (or its value could not be read)
 */
public record ResourceChange(Kind kind, String id, Resource resource) {
    public boolean deleted() {
        return resource == null;
    }
}
