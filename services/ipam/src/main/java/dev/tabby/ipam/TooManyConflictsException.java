package dev.tabby.ipam;

/** Every one of the bounded retries lost its compare-and-swap to another writer; the datastore is left consistent. */
public final class TooManyConflictsException extends IpamException {

    public TooManyConflictsException(String message, Throwable lastConflict) {
        super(message, lastConflict);
    }
}
