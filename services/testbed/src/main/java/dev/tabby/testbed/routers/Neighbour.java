package dev.tabby.testbed.routers;

import dev.tabby.model.net.IpAddress;

/**
 * One BGP neighbour of a router.
 *
 * @param address the neighbour's address; an IPv4 neighbour carries IPv4 and IPv6 unicast over the one session
 *     (MP-BGP), an IPv6 neighbour carries IPv6 unicast only
 * @param as the neighbour's AS
 * @param password the TCP MD5 password (RFC 2385), or null for none
 * @param passive wait for the neighbour to connect, never connect out
 * @param routeReflectorClient reflect iBGP routes to this neighbour (the router is its route reflector)
 * @param multihop the TTL for a neighbour that is not on a shared link; 0 for a directly connected one
 */
public record Neighbour(String address, long as, String password, boolean passive, boolean routeReflectorClient,
        int multihop) {

    public Neighbour {
        address = IpAddress.parse(address).toString();
        RouterConfig.checkAs(as, "neighbour " + address);
        if (password != null && (password.isEmpty() || password.length() > 80 || password.contains("\"")
                || password.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new IllegalArgumentException("neighbour " + address
                    + ": MD5 password must be 1..80 printable ASCII characters without spaces or quotes");
        }
        if (multihop < 0 || multihop > 255) {
            throw new IllegalArgumentException("neighbour " + address + ": multihop TTL " + multihop
                    + " is out of range (0 for directly connected, 1..255)");
        }
    }

    /** A directly connected, active neighbour with no password. */
    public static Neighbour of(String address, long as) {
        return new Neighbour(address, as, null, false, false, 0);
    }

    public Neighbour withPassword(String md5Password) {
        return new Neighbour(address, as, md5Password, passive, routeReflectorClient, multihop);
    }

    public Neighbour asPassive() {
        return new Neighbour(address, as, password, true, routeReflectorClient, multihop);
    }

    public Neighbour asRouteReflectorClient() {
        return new Neighbour(address, as, password, passive, true, multihop);
    }

    public Neighbour withMultihop(int ttl) {
        return new Neighbour(address, as, password, passive, routeReflectorClient, ttl);
    }

    public Afi family() {
        return Afi.ofAddress(address);
    }
}
