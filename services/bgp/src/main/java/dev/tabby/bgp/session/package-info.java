/**
 * The BGP-4 session finite state machine of RFC 4271 section 8, as a pure function: events in, actions out as data.
 * No sockets, threads or clock: the owner runs the timers and the TCP connection the actions name and feeds back
 * what happens as events.
 */
package dev.tabby.bgp.session;
