package dev.tabby.datastore.resource;

import dev.tabby.datastore.DatastoreException;

/** The resource a get, replace or delete named does not exist. */
public final class ResourceNotFoundException extends DatastoreException {
    private final ResourceId id;

    public ResourceNotFoundException(ResourceId id, String remedy) {
        super(id + " does not exist" + (remedy == null ? "" : "; " + remedy));
        this.id = id;
    }

    public ResourceId id() {
        return id;
    }
}
