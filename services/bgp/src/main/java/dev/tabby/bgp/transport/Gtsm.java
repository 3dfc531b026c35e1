package dev.tabby.bgp.transport;

/**
 * The Generalized TTL Security Mechanism (RFC 5082) on a socket: send with TTL (hop limit) 255 and have the kernel
 * drop segments that arrive with less than 256 - hops, so only a peer at most {@code hops} routers away can reach the
 * session. This is FRR's {@code neighbor X ttl-security hops N} (1..254) and BIRD's {@code ttl security} with
 * {@code multihop N}. Calico v3.18's BGPPeer has no such field; Tabby takes it from an annotation ({@link
 * PeerSecrets#ttlSecurityHops}).
 *
 * <p>On a listening socket it covers every accepted connection: the kernel checks the listener's minimum for each SYN
 * and copies both values into the accepted socket. An IPv6 socket (java.nio's default, dual-stack) gets the IPv4
 * options as well, for its v4-mapped peers.
 */
public final class Gtsm {
    public static final int MIN_HOPS = 1;
    public static final int MAX_HOPS = 254;
    private static final int MAX_TTL = 255;

    private Gtsm() {
    }

    /** Applies GTSM for a peer at most {@code hops} routers away (1 = directly connected). */
    public static void apply(SocketFd socket, int hops) throws SocketOptionException {
        if (hops < MIN_HOPS || hops > MAX_HOPS) {
            throw new IllegalArgumentException("GTSM hops must be " + MIN_HOPS + ".." + MAX_HOPS + ", not " + hops);
        }
        set(socket, MAX_TTL, 256 - hops);
    }

    /**
     * Only the sending half: TTL 255, no minimum. For a listener that serves GTSM peers and others: its SYN-ACKs
     * must leave with 255 or a GTSM peer drops them, while the minimum is set per accepted connection.
     */
    public static void sendWithMaxTtl(SocketFd socket) throws SocketOptionException {
        int fd = socket.fd();
        if (SocketOptions.family(fd) == SocketOptions.AF_INET6) {
            SocketOptions.setInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS, MAX_TTL);
        }
        SocketOptions.setInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL, MAX_TTL);
    }

    /** Back to the kernel's defaults: the default TTL (net.ipv4.ip_default_ttl) and no minimum. */
    public static void clear(SocketFd socket) throws SocketOptionException {
        set(socket, -1, 0);
    }

    /** The socket's outgoing TTL (IPv4) or hop limit (IPv6 socket), as the kernel reports it. */
    public static int sendTtl(SocketFd socket) throws SocketOptionException {
        int fd = socket.fd();
        return SocketOptions.family(fd) == SocketOptions.AF_INET6
                ? SocketOptions.getInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS)
                : SocketOptions.getInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL);
    }

    /** The least TTL (IPv4) or hop limit (IPv6 socket) the socket accepts; 0 when GTSM is off. */
    public static int minTtl(SocketFd socket) throws SocketOptionException {
        int fd = socket.fd();
        return SocketOptions.family(fd) == SocketOptions.AF_INET6
                ? SocketOptions.getInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MINHOPCOUNT)
                : SocketOptions.getInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_MINTTL);
    }

    /** ttl -1 is "the default" for IP_TTL and IPV6_UNICAST_HOPS alike. */
    private static void set(SocketFd socket, int ttl, int minTtl) throws SocketOptionException {
        try {
            int fd = socket.fd();
            int family = SocketOptions.family(fd);
            if (family == SocketOptions.AF_INET6) {
                SocketOptions.setInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS, ttl);
                SocketOptions.setInt(fd, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MINHOPCOUNT, minTtl);
            }
            SocketOptions.setInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL, ttl);
            SocketOptions.setInt(fd, SocketOptions.IPPROTO_IP, SocketOptions.IP_MINTTL, minTtl);
        } catch (SocketOptionException e) {
            throw new SocketOptionException(e.errno(), "cannot " + (minTtl == 0 ? "clear" : "apply") + " GTSM: "
                    + e.getMessage());
        }
    }
}
