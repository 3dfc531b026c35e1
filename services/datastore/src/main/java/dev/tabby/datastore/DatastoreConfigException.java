package dev.tabby.datastore;

/** The etcd connection settings are unusable; the message names the variable and its value. */
public final class DatastoreConfigException extends DatastoreException {

    public DatastoreConfigException(String message) {
        super(message);
    }

    public DatastoreConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
