package dev.tabby.ipam;

/**
 * A release named a handle that no longer holds the address: it was released and given to another handle since.
 * Nothing of that block was released.
 */
public final class StaleReleaseException extends IpamException {

    public StaleReleaseException(String message) {
        super(message);
    }
}
