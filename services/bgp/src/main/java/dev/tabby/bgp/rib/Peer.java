package dev.tabby.bgp.rib;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The peer a route was learned from, as the decision and export rules need it: its address, AS, BGP identifier
 * (from its OPEN), whether the session is iBGP (same AS as ours) and whether we act as route reflector for it.
 */
public record Peer(InetAddress address, long as, Inet4Address bgpId, boolean ibgp, boolean rrClient) {
    public Peer {
        if (address == null || bgpId == null) {
            throw new IllegalArgumentException("peer address and BGP identifier are required");
        }
        if (rrClient && !ibgp) {
            throw new IllegalArgumentException("peer " + address.getHostAddress()
                    + " cannot be a route-reflector client over eBGP (RFC 4456 applies inside one AS)");
        }
    }
}
