package dev.tabby.ipam;

/**
 * A release named an allocation that no longer exists as the caller knew it: the address was released and given
 * out again (another sequence number), or it belongs to another handle. Nothing of that block was released.
 */
public final class StaleReleaseException extends IpamException {

    public StaleReleaseException(String message) {
        super(message);
    }
}
