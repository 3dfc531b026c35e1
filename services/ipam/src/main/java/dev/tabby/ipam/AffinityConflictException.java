package dev.tabby.ipam;

/** The block in question belongs to another node, and the operation may not take it or use it. */
public final class AffinityConflictException extends IpamException {

    public AffinityConflictException(String message) {
        super(message);
    }
}
