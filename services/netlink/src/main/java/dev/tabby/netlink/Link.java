package dev.tabby.netlink;

import dev.tabby.model.net.IpAddress;
import java.nio.file.Path;

/** A network interface, typed by its kind as {@code ip -d link} shows it. */
public sealed interface Link {
    LinkAttrs attrs();

    default String name() {
        return attrs().name();
    }

    default int index() {
        return attrs().index();
    }

    /**
     * A veth pair. On add, the peer is created with {@code peerName}, in {@code peerNamespace} when given
     * ({@code /run/netns/NAME} or {@code /proc/PID/ns/net}); on read, {@code peerName} is null (the kernel does not
     * say it) and {@code attrs().parentIndex()} is the peer's ifindex.
     */
    record Veth(LinkAttrs attrs, String peerName, Path peerNamespace) implements Link {
    }

    /**
     * A VXLAN device. {@code local} and {@code parentIndex} (the underlay device) may be null / 0. Calico's
     * {@code vxlan.calico} uses VNI 4096, port 4789 and learning off.
     */
    record Vxlan(LinkAttrs attrs, int vni, int port, IpAddress local, int parentIndex, boolean learning,
                 boolean udpChecksum, boolean udp6ZeroChecksumTx, boolean udp6ZeroChecksumRx) implements Link {
    }

    /** An IP-in-IP tunnel; Calico configures the fallback {@code tunl0} (no local, no remote). */
    record Ipip(LinkAttrs attrs, IpAddress local, IpAddress remote, int ttl, boolean pmtuDiscovery) implements Link {
    }

    record Bridge(LinkAttrs attrs) implements Link {
    }

    /** Any other kind ({@code lo}, a physical NIC, dummy, ...): {@code kind} is IFLA_INFO_KIND, or null. */
    record Device(LinkAttrs attrs, String kind) implements Link {
    }
}
