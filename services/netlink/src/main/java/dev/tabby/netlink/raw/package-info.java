/**
 * The bottom layer: libc through jnr-ffi, one netlink socket with its sequence numbers, message building and
 * zero-copy attribute parsing, and a thread parked in a network namespace. Nothing here knows what a route is;
 * {@code dev.tabby.netlink} turns these bytes into typed records and errors with context.
 */
package dev.tabby.netlink.raw;
