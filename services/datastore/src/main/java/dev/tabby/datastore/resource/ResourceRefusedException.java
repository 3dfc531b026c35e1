package dev.tabby.datastore.resource;

import dev.tabby.datastore.DatastoreException;
import java.util.List;

/** A write that a rule of Calico's client refuses (libcalico-go lib/clientv3): nothing was written. */
public final class ResourceRefusedException extends DatastoreException {
    private final ResourceId id;
    private final List<String> problems;

    public ResourceRefusedException(ResourceId id, List<String> problems) {
        super(id + " refused: " + String.join("; ", problems));
        this.id = id;
        this.problems = List.copyOf(problems);
    }

    public ResourceId id() {
        return id;
    }

    public List<String> problems() {
        return problems;
    }
}
