package dev.tabby.datastore;

/**
 * Root of every failure the datastore layer reports. Unchecked so that callers deal with the
 * cases they can act on (conflict, absence, outage) and let the rest propagate. Messages are one
 * line, name the key or setting involved and, where one is known, the remedy.
 */
public class DatastoreException extends RuntimeException {

    public DatastoreException(String message) {
        super(message);
    }

    public DatastoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
