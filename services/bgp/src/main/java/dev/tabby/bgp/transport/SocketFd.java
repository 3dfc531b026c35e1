package dev.tabby.bgp.transport;

/** A socket whose kernel file descriptor can be reached, so options java.nio lacks can be set on it. */
public interface SocketFd {
    /**
     * The descriptor, valid while the socket is open. Use it on the channel's event loop or before the channel is
     * registered, so the socket cannot be closed (and its number reused) under the caller.
     */
    int fd() throws SocketOptionException;
}
