package dev.tabby.datastore;

/** The key an update or delete was aimed at does not exist (any more). */
public final class NotFoundException extends DatastoreException {

    private final String key;

    public NotFoundException(String operation, String key) {
        super(operation + " of key " + key + " failed: the key does not exist; it may have been deleted,"
                + " create it again if it is still wanted");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
