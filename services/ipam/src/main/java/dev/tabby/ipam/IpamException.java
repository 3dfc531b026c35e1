package dev.tabby.ipam;

/**
 * Root of the IPAM failures a caller can act on. Unchecked, like the datastore's; messages are one line that names
 * the address, pool, node or handle involved and what would be right.
 */
public class IpamException extends RuntimeException {

    public IpamException(String message) {
        super(message);
    }

    public IpamException(String message, Throwable cause) {
        super(message, cause);
    }
}
