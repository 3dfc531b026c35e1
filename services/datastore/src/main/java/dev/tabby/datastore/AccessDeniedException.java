package dev.tabby.datastore;

/**
 * etcd answered but refused us: wrong user name or password, or the user's role lacks
 * permission. Retrying with the same credentials will not help, so it is kept apart from
 * {@link DatastoreUnavailableException}.
 */
public final class AccessDeniedException extends DatastoreException {

    public AccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
