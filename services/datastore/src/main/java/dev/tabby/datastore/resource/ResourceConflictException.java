package dev.tabby.datastore.resource;

import dev.tabby.datastore.DatastoreException;

/**
 * A write lost a race: the resource changed since the writer read it (its resourceVersion is stale). Nothing was
 * written; the writer re-reads and decides again.
 */
public final class ResourceConflictException extends DatastoreException {
    private final ResourceId id;
    private final long expected;
    private final long current;

    public ResourceConflictException(ResourceId id, long expected, long current, Throwable cause) {
        super(id + " changed since it was read: resourceVersion " + expected + " is stale, it is now " + current
                + "; get it again, reapply your change and retry", cause);
        this.id = id;
        this.expected = expected;
        this.current = current;
    }

    public ResourceId id() {
        return id;
    }

    public long expectedResourceVersion() {
        return expected;
    }

    public long currentResourceVersion() {
        return current;
    }
}
