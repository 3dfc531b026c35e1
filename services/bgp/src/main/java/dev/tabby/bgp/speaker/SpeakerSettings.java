package dev.tabby.bgp.speaker;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The speaker as a whole: its identity and where it listens.
 *
 * @param routerId           BGP Identifier (Calico: the node's IPv4 address; BIRD's "router id")
 * @param localAs            this node's AS
 * @param clusterId          route-reflector cluster ID (Node routeReflectorClusterID), null: the router ID
 * @param listenAddress      address to listen on, null for every address
 * @param listenPort         TCP port to listen on (BGPConfiguration listenPort, 179); 0 for any free port
 * @param nextHopV4          next hop advertised for IPv4 routes we originate or set next hop self on; null: the
 *                           session's local address when it is IPv4
 * @param nextHopV6          the same for IPv6 (Calico: the node's IPv6 address); null: the session's local address
 *                           when it is IPv6, else the IPv4-mapped local address
 * @param gracefulRestartTime the Restart Time we announce (RFC 4724; BIRD's default 120 s)
 * @param errorWait          the wait before a failed session is started again, doubled on each failure up to
 *                           {@code errorWaitMax} (confd's bgp_template: "error wait time 5,30")
 * @param errorWaitMax       see errorWait
 * @param settleTime         after start, the routes go to the kernel once every peer has sent End-of-RIB, or when
 *                           this much time has passed, whichever is first (so a restart does not flap them)
 */
public record SpeakerSettings(Inet4Address routerId, long localAs, Inet4Address clusterId, InetAddress listenAddress,
        int listenPort, InetAddress nextHopV4, InetAddress nextHopV6, int gracefulRestartTime, Duration errorWait,
        Duration errorWaitMax, Duration settleTime) {
    public SpeakerSettings {
        if (routerId == null) {
            throw new IllegalArgumentException("the speaker needs a router id (the node's IPv4 address)");
        }
        if (localAs < 1 || localAs > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("AS number " + localAs + " is outside 1..4294967295");
        }
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port " + listenPort + " is outside 0..65535");
        }
        if (gracefulRestartTime < 0 || gracefulRestartTime > 4095) {
            throw new IllegalArgumentException("graceful restart time " + gracefulRestartTime
                    + " s is outside 0..4095 (RFC 4724)");
        }
    }

    /** Calico's defaults: listen on every address, port 179, restart time 120 s, error wait 5..30 s, settle 30 s. */
    public static SpeakerSettings of(Inet4Address routerId, long localAs) {
        return new SpeakerSettings(routerId, localAs, null, null, 179, null, null, 120, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    public SpeakerSettings withListen(InetAddress address, int port) {
        return new SpeakerSettings(routerId, localAs, clusterId, address, port, nextHopV4, nextHopV6,
                gracefulRestartTime, errorWait, errorWaitMax, settleTime);
    }

    public SpeakerSettings withNextHops(InetAddress v4, InetAddress v6) {
        return new SpeakerSettings(routerId, localAs, clusterId, listenAddress, listenPort, v4, v6,
                gracefulRestartTime, errorWait, errorWaitMax, settleTime);
    }

    public SpeakerSettings withClusterId(Inet4Address id) {
        return new SpeakerSettings(routerId, localAs, id, listenAddress, listenPort, nextHopV4, nextHopV6,
                gracefulRestartTime, errorWait, errorWaitMax, settleTime);
    }

    public SpeakerSettings withErrorWait(Duration first, Duration max) {
        return new SpeakerSettings(routerId, localAs, clusterId, listenAddress, listenPort, nextHopV4, nextHopV6,
                gracefulRestartTime, first, max, settleTime);
    }
}
