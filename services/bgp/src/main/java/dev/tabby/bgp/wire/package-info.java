/**
 * The BGP-4 wire format: pure functions from bytes to message records and back, over Netty's ByteBuf, with no I/O.
 * Decoding never throws anything but {@link dev.tabby.bgp.wire.BgpDecodeException}; UPDATE errors that RFC 7606
 * does not treat as session resets come back as a decoded message carrying the action taken (treat-as-withdraw,
 * attribute discard).
 */
package dev.tabby.bgp.wire;
