package dev.tabby.datastore;

/** A create found the key already present; carries the existing entry's mod revision. */
public final class AlreadyExistsException extends DatastoreException {

    private final String key;
    private final long currentModRevision;

    public AlreadyExistsException(String key, long currentModRevision) {
        super("key " + key + " already exists (mod revision " + currentModRevision
                + "); read it and update it instead of creating it");
        this.key = key;
        this.currentModRevision = currentModRevision;
    }

    public String key() {
        return key;
    }

    public long currentModRevision() {
        return currentModRevision;
    }
}
