package dev.tabby.netlink;

/**
 * A running {@link Netlink#subscribe} (or {@link Netlink#subscribeLinks}) listener; {@link #close()} stops its thread
 * and closes its socket.
 */
public interface LinkSubscription extends AutoCloseable {
    /** Stops delivery; returns once the listener thread has ended. Idempotent. */
    @Override
    void close();
}
