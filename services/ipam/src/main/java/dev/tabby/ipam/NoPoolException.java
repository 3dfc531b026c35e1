package dev.tabby.ipam;

/** No enabled IP pool of the wanted IP version may serve this node (or a requested pool is missing or disabled). */
public final class NoPoolException extends IpamException {

    public NoPoolException(String message) {
        super(message);
    }
}
