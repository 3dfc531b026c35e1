package dev.tabby.dataplane;

/**
 * Converges one kind of kernel object that a service owns (routes of one protocol in one table, the neighbours or
 * FDB of one device, ...). It holds the desired set and the kernel's set; {@link #apply()} makes the kernel match.
 * Drivers are used from the apply thread only.
 */
public interface Driver {

    /** The driver in an operator's words, for failures and logs: {@code routes table 254 proto 81}. */
    String name();

    /** Makes the next {@link #apply()} re-read the kernel first, to adopt, repair drift and remove stale objects. */
    void queueResync();

    /** Writes what differs to the kernel. Never throws for a bad object: failures come back in the result. */
    ApplyResult apply();

    /** Kernel writes still to do as far as the driver knows (a resync may find more); 0 when converged. */
    int pendingCount();
}
