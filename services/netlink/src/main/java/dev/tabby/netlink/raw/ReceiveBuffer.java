package dev.tabby.netlink.raw;

/**
 * What a socket's receive buffer came to. The kernel doubles what it accepts (half is its own bookkeeping) and caps
 * plain SO_RCVBUF at net.core.rmem_max; SO_RCVBUFFORCE skips the cap but needs CAP_NET_ADMIN.
 *
 * @param asked     bytes asked for; 0 when the kernel default was kept
 * @param effective SO_RCVBUF as getsockopt reads it back
 * @param forced    whether SO_RCVBUFFORCE was allowed (else plain SO_RCVBUF was used)
 */
public record ReceiveBuffer(int asked, int effective, boolean forced) {
    /** The kernel granted less than was asked: bursts that the caller sized for will overflow. */
    public boolean refused() {
        return effective < asked;
    }
}
