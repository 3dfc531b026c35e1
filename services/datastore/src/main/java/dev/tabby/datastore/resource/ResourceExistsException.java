package dev.tabby.datastore.resource;

import dev.tabby.datastore.DatastoreException;

/** A create found the resource already there. */
public final class ResourceExistsException extends DatastoreException {
    private final ResourceId id;

    public ResourceExistsException(ResourceId id, Throwable cause) {
        super(id + " already exists; use apply or replace to change it", cause);
        this.id = id;
    }

    public ResourceId id() {
        return id;
    }
}
