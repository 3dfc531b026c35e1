package dev.tabby.testbed.routers;

import dev.tabby.model.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What a router is started with. Every router re-advertises the routes it learned, as BGP routers do by default (a
 * top-of-rack router passes one node's routes to the others), besides the prefixes it announces itself.
 *
 * @param routerId the BGP identifier, an IPv4 address
 * @param localAs the router's AS
 * @param listenAddresses the addresses to accept BGP connections on (and to connect from); empty for all
 * @param neighbours the BGP neighbours
 * @param prefixes the IPv4 and IPv6 prefixes announced from the start ({@link Router#announce} adds more)
 * @param gracefulRestart advertise the graceful restart capability (RFC 4724) and keep a restarting peer's routes
 * @param holdTimeSeconds the hold time to offer: 0 (no keepalives) or 3..65535
 * @param ipv6NextHop the next hop given to IPv6 prefixes announced over an IPv4 session (an address on the shared
 *     link), or null to let the daemon pick one
 * @param installRoutes install learned routes into the namespace's kernel (the testbed's top-of-rack router needs
 *     this); otherwise the daemon keeps them to itself
 */
public record RouterConfig(String routerId, long localAs, List<String> listenAddresses, List<Neighbour> neighbours,
        List<String> prefixes, boolean gracefulRestart, int holdTimeSeconds, String ipv6NextHop,
        boolean installRoutes) {

    public RouterConfig {
        IpAddress id = IpAddress.parse(routerId);
        if (!id.isV4()) {
            throw new IllegalArgumentException("router id " + routerId + " must be an IPv4 address");
        }
        routerId = id.toString();
        checkAs(localAs, "local");
        listenAddresses = listenAddresses.stream().map(a -> IpAddress.parse(a).toString()).toList();
        neighbours = List.copyOf(neighbours);
        prefixes = Prefixes.canonical(prefixes);
        if (holdTimeSeconds != 0 && (holdTimeSeconds < 3 || holdTimeSeconds > 65535)) {
            throw new IllegalArgumentException("hold time " + holdTimeSeconds + " s is not allowed: 0 or 3..65535 (RFC 4271)");
        }
        if (ipv6NextHop != null) {
            IpAddress nh = IpAddress.parse(ipv6NextHop);
            if (nh.isV4()) {
                throw new IllegalArgumentException("IPv6 next hop " + ipv6NextHop + " is an IPv4 address");
            }
            ipv6NextHop = nh.toString();
        }
    }

    /** A router with no neighbours, nothing announced, graceful restart on and a 90 s hold time. */
    public static RouterConfig of(String routerId, long localAs) {
        return new RouterConfig(routerId, localAs, List.of(), List.of(), List.of(), true, 90, null, false);
    }

    public RouterConfig withNeighbour(Neighbour n) {
        List<Neighbour> ns = new ArrayList<>(neighbours);
        ns.add(n);
        return new RouterConfig(routerId, localAs, listenAddresses, ns, prefixes, gracefulRestart, holdTimeSeconds,
                ipv6NextHop, installRoutes);
    }

    public RouterConfig withPrefixes(List<String> announced) {
        return new RouterConfig(routerId, localAs, listenAddresses, neighbours, announced, gracefulRestart,
                holdTimeSeconds, ipv6NextHop, installRoutes);
    }

    public RouterConfig withListenAddresses(List<String> addresses) {
        return new RouterConfig(routerId, localAs, addresses, neighbours, prefixes, gracefulRestart, holdTimeSeconds,
                ipv6NextHop, installRoutes);
    }

    public RouterConfig withGracefulRestart(boolean on) {
        return new RouterConfig(routerId, localAs, listenAddresses, neighbours, prefixes, on, holdTimeSeconds,
                ipv6NextHop, installRoutes);
    }

    public RouterConfig withHoldTime(int seconds) {
        return new RouterConfig(routerId, localAs, listenAddresses, neighbours, prefixes, gracefulRestart, seconds,
                ipv6NextHop, installRoutes);
    }

    public RouterConfig withIpv6NextHop(String address) {
        return new RouterConfig(routerId, localAs, listenAddresses, neighbours, prefixes, gracefulRestart,
                holdTimeSeconds, address, installRoutes);
    }

    public RouterConfig withInstallRoutes(boolean on) {
        return new RouterConfig(routerId, localAs, listenAddresses, neighbours, prefixes, gracefulRestart,
                holdTimeSeconds, ipv6NextHop, on);
    }

    /** The neighbour with this address, or an exception naming the ones configured. */
    Neighbour neighbour(String address) {
        String a = IpAddress.parse(address).toString();
        return neighbours.stream().filter(n -> n.address().equals(a)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no neighbour " + address + " is configured; neighbours: "
                        + neighbours.stream().map(Neighbour::address).toList()));
    }

    /** The first listen address of {@code afi}, or null when none is given. */
    String listenAddress(Afi afi) {
        return listenAddresses.stream().filter(a -> Afi.ofAddress(a) == afi).findFirst().orElse(null);
    }

    static void checkAs(long as, String whose) {
        if (as < 1 || as > 4294967295L) {
            throw new IllegalArgumentException(whose + " AS " + as + " is out of range (1..4294967295)");
        }
    }
}
