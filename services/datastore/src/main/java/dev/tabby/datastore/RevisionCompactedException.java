package dev.tabby.datastore;

/**
 * A read or watch asked for a revision that etcd has already compacted away. The only remedy is
 * to read again at the latest revision.
 */
public final class RevisionCompactedException extends DatastoreException {

    public RevisionCompactedException(String message, Throwable cause) {
        super(message, cause);
    }
}
