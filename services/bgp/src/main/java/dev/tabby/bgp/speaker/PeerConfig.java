package dev.tabby.bgp.speaker;

import dev.tabby.bgp.transport.PeerPassword;
import dev.tabby.bgp.wire.AfiSafi;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;

/**
 * One configured peer of the speaker: what a "protocol bgp" block of Calico's BIRD configuration says, in the
 * speaker's terms. Defaults follow confd v3.18's {@code bgp_template} (bird.cfg.template) and BIRD's own defaults:
 * hold time 240 s, connect retry 5 s, graceful restart on.
 *
 * @param name              the session's name, as the BIRD protocol ("Mesh_10_0_0_2", "Node_192_0_2_1", ...)
 * @param address           the peer's address
 * @param port              the peer's TCP port (179 unless the BGPPeer or BGPConfiguration says otherwise)
 * @param peerAs            the AS the peer must announce
 * @param localAs           the AS this speaker announces to it
 * @param passive           wait for the peer to connect (the mesh's "passive on")
 * @param routeReflectorClient the peer is our route-reflector client
 * @param keepOriginalNextHop  eBGP: advertise routes with their next hop unchanged ("next hop keep")
 * @param sourceAddress     the local address of the TCP connection and the next hop we advertise; null: the
 *                          kernel's choice, and then the connection's local address as next hop
 * @param families          the address families negotiated on this session
 * @param holdTimeSeconds   proposed hold time (0 or 3..65535)
 * @param connectRetry      time between connection attempts
 * @param password          TCP MD5 key (RFC 2385), null for none; never logged ({@link #toString()} hides it)
 * @param ttlSecurityHops   GTSM (RFC 5082): the peer is at most this many hops away, null for off
 * @param maxPrefixes       the session is closed (Cease 1) when the peer sends more prefixes, null for no limit
 * @param gracefulRestart   announce and honour graceful restart (RFC 4724)
 */
public record PeerConfig(String name, InetAddress address, int port, long peerAs, long localAs, boolean passive,
        boolean routeReflectorClient, boolean keepOriginalNextHop, InetAddress sourceAddress, Set<AfiSafi> families,
        int holdTimeSeconds, Duration connectRetry, PeerPassword password, Integer ttlSecurityHops, Integer maxPrefixes,
        boolean gracefulRestart) {
    /** BIRD's default hold time (Calico's template leaves it). */
    public static final int DEFAULT_HOLD_TIME = 240;
    /** confd's bgp_template: "connect retry time 5". */
    public static final Duration DEFAULT_CONNECT_RETRY = Duration.ofSeconds(5);

    public PeerConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a peer needs a name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer " + name + ": port " + port + " is outside 1..65535");
        }
        if (families == null || families.isEmpty()) {
            throw new IllegalArgumentException("peer " + name + ": no address family to negotiate");
        }
        families = Set.copyOf(families);
        if (ttlSecurityHops != null && (ttlSecurityHops < 1 || ttlSecurityHops > 254)) {
            throw new IllegalArgumentException("peer " + name + ": TTL security hops " + ttlSecurityHops
                    + " is outside 1..254 (RFC 5082)");
        }
        if (maxPrefixes != null && maxPrefixes < 1) {
            throw new IllegalArgumentException("peer " + name + ": max prefixes must be at least 1");
        }
    }

    /** A peer with the defaults: active, both families by address, no password, GTSM or limit, graceful restart on. */
    public static PeerConfig of(String name, InetAddress address, long peerAs, long localAs) {
        return new PeerConfig(name, address, 179, peerAs, localAs, false, false, false, null,
                Set.of(AfiSafi.IPV4_UNICAST, AfiSafi.IPV6_UNICAST), DEFAULT_HOLD_TIME, DEFAULT_CONNECT_RETRY, null,
                null, null, true);
    }

    public boolean internal() {
        return peerAs == localAs;
    }

    /** The same peer with TCP MD5 and GTSM settings (null for off). */
    public PeerConfig withSecurity(PeerPassword newPassword, Integer newTtlSecurityHops) {
        return new PeerConfig(name, address, port, peerAs, localAs, passive, routeReflectorClient,
                keepOriginalNextHop, sourceAddress, families, holdTimeSeconds, connectRetry, newPassword,
                newTtlSecurityHops, maxPrefixes, gracefulRestart);
    }

    public PeerConfig withPort(int newPort) {
        return new PeerConfig(name, address, newPort, peerAs, localAs, passive, routeReflectorClient,
                keepOriginalNextHop, sourceAddress, families, holdTimeSeconds, connectRetry, password,
                ttlSecurityHops, maxPrefixes, gracefulRestart);
    }

    @Override
    public String toString() {
        return "PeerConfig[name=" + name + ", address=" + address.getHostAddress() + ", port=" + port + ", peerAs="
                + peerAs + ", localAs=" + localAs + ", passive=" + passive + ", rrClient=" + routeReflectorClient
                + ", keepOriginalNextHop=" + keepOriginalNextHop + ", sourceAddress="
                + (sourceAddress == null ? "-" : sourceAddress.getHostAddress()) + ", families=" + families
                + ", hold=" + holdTimeSeconds + ", connectRetry=" + connectRetry + ", password="
                + (password == null ? "none" : "set") + ", ttlSecurityHops=" + ttlSecurityHops + ", maxPrefixes="
                + maxPrefixes + ", gracefulRestart=" + gracefulRestart + "]";
    }
}
