package dev.tabby.datastore;

/**
 * etcd could not be reached or did not answer in time: connection refused, TLS handshake
 * failure, timeout, no leader. The message names the endpoints and what failed. Retrying later
 * may help; the caller decides.
 */
public final class DatastoreUnavailableException extends DatastoreException {

    public DatastoreUnavailableException(String message) {
        super(message);
    }

    public DatastoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
