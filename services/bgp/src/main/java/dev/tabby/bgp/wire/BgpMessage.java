package dev.tabby.bgp.wire;

/** One BGP message (RFC 4271 section 4): OPEN, UPDATE, NOTIFICATION, KEEPALIVE or ROUTE-REFRESH. */
public interface BgpMessage {
    /** The message type code of the header: 1 OPEN, 2 UPDATE, 3 NOTIFICATION, 4 KEEPALIVE, 5 ROUTE-REFRESH. */
    int type();
}
