package dev.tabby.ipam;

/**
 * The node's pools have no address left for it: its own blocks are full, no new block can be claimed, and borrowing
 * is off or found nothing. Nothing of the request stays allocated.
 */
public final class PoolExhaustedException extends IpamException {

    public PoolExhaustedException(String message) {
        super(message);
    }
}
