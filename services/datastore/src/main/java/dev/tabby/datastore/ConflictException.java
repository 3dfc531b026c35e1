package dev.tabby.datastore;

/**
 * A compare-and-swap lost: the key changed since the caller read it. Carries both revisions so
 * the caller can re-read and retry.
 */
public final class ConflictException extends DatastoreException {

    private final String key;
    private final long expectedModRevision;
    private final long currentModRevision;

    public ConflictException(String operation, String key, long expectedModRevision, long currentModRevision) {
        super(operation + " of key " + key + " conflicted: expected mod revision " + expectedModRevision
                + " but it is now " + currentModRevision + "; re-read the key and retry");
        this.key = key;
        this.expectedModRevision = expectedModRevision;
        this.currentModRevision = currentModRevision;
    }

    public String key() {
        return key;
    }

    public long expectedModRevision() {
        return expectedModRevision;
    }

    public long currentModRevision() {
        return currentModRevision;
    }
}
