package dev.tabby.netlink;

/**
 * Receives the events of a {@link Netlink#subscribe} on the subscription's own thread, one at a time, in the
 * kernel's order. A method that throws is logged and the subscription keeps receiving.
 */
public interface NetlinkListener {
    default void onLink(LinkEvent event) {
    }

    default void onAddress(AddrEvent event) {
    }

    /**
     * Events were lost (the kernel said ENOBUFS: the receive queue overflowed): re-read the kernel state now. Called
     * once per overflow, before the events received after it.
     */
    void onEventsLost();
}
