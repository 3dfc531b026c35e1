/**
 * BGP routing information bases, pure (no sockets, no threads): Adj-RIB-In per peer ({@link
 * dev.tabby.bgp.rib.PeerRoutes}), the Loc-RIB with RFC 4271 9.1.2.2's decision ({@link dev.tabby.bgp.rib.LocRib},
 * {@link dev.tabby.bgp.rib.BestPath}), and route reflection's loop checks and export rules (RFC 4456).
 */
package dev.tabby.bgp.rib;
