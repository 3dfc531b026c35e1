package dev.tabby.testbed.routers;

import java.nio.file.Path;
import java.util.List;

/**
 * BIRD 2's configuration for a {@link RouterConfig}. The announced prefixes live in include files (one per family,
 * static blackhole routes), so announce and withdraw rewrite those and ask BIRD to reconfigure. The BGP protocols
 * follow calico/node's bird.cfg.template (projectcalico/node, filesystem/etc/calico/confd/templates): one protocol
 * per peer named after its address, {@code rr client} with the router id as cluster id, import all.
 */
final class BirdConfig {
    static final String ANNOUNCE4 = "tabby_announce4";
    static final String ANNOUNCE6 = "tabby_announce6";

    private BirdConfig() {
    }

    static String main(RouterConfig c, Path announce4, Path announce6) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by Tabby's testbed (dev.tabby.testbed.routers.BirdRouter).\n");
        b.append("log stderr all;\n");
        b.append("router id ").append(c.routerId()).append(";\n\n");
        // The device protocol tells BIRD the interfaces and their addresses: without it no next hop resolves.
        b.append("protocol device {\n  scan time 2;\n}\n\n");
        staticProtocol(b, ANNOUNCE4, "ipv4", announce4);
        staticProtocol(b, ANNOUNCE6, "ipv6", announce6);
        if (c.installRoutes()) {
            // Only what BGP learned goes into the kernel: the announced prefixes are blackholes for BGP's sake.
            b.append("protocol kernel kernel4 {\n  ipv4 { import none; export where source = RTS_BGP; };\n}\n\n");
            b.append("protocol kernel kernel6 {\n  ipv6 { import none; export where source = RTS_BGP; };\n}\n\n");
        }
        for (Neighbour n : c.neighbours()) {
            bgpProtocol(b, c, n);
        }
        return b.toString();
    }

    /** The include file of one family's announced prefixes. */
    static String announcements(List<String> prefixes) {
        StringBuilder b = new StringBuilder("# Prefixes announced by Tabby's testbed router.\n");
        for (String p : prefixes) {
            b.append("route ").append(p).append(" blackhole;\n");
        }
        return b.toString();
    }

    /** BIRD's protocol name for a neighbour, as calico/node names its peers (Node_10_0_0_1). */
    static String protocolName(String address) {
        return "Peer_" + address.replace('.', '_').replace(':', '_');
    }

    private static void staticProtocol(StringBuilder b, String name, String channel, Path include) {
        // BIRD reads include only at the start of a line.
        b.append("protocol static ").append(name).append(" {\n  ").append(channel).append(";\n");
        b.append("include \"").append(include).append("\";\n}\n\n");
    }

    private static void bgpProtocol(StringBuilder b, RouterConfig c, Neighbour n) {
        boolean ibgp = n.as() == c.localAs();
        b.append("protocol bgp ").append(protocolName(n.address())).append(" {\n");
        String local = c.listenAddress(n.family());
        b.append("  local ");
        if (local != null) {
            b.append(local).append(' ');
        }
        b.append("as ").append(c.localAs()).append(";\n");
        b.append("  neighbor ").append(n.address()).append(" as ").append(n.as()).append(";\n");
        if (local != null) {
            b.append("  strict bind on;\n");
        }
        b.append("  hold time ").append(c.holdTimeSeconds()).append(";\n");
        if (c.holdTimeSeconds() > 0) {
            b.append("  keepalive time ").append(Math.max(1, c.holdTimeSeconds() / 3)).append(";\n");
        }
        // Retry soon after a refused connection or a reset (BIRD waits 120 s and 60 s by default): a peer that is
        // started after BIRD, or restarted under test, is back in seconds.
        b.append("  connect retry time 5;\n  error wait time 5, 30;\n");
        b.append("  graceful restart ").append(c.gracefulRestart() ? "on" : "off").append(";\n");
        if (n.password() != null) {
            b.append("  password \"").append(n.password()).append("\";\n");
        }
        if (n.passive()) {
            b.append("  passive on;\n");
        }
        if (n.routeReflectorClient()) {
            b.append("  rr client;\n  rr cluster id ").append(c.routerId()).append(";\n");
        }
        if (n.multihop() > 0) {
            b.append("  multihop ").append(n.multihop()).append(";\n");
        } else if (ibgp) {
            // iBGP defaults to multihop with recursive next hops, which need routes BIRD is not given here.
            b.append("  direct;\n");
        }
        String exportV4 = "where proto = \"" + ANNOUNCE4 + "\" || source = RTS_BGP";
        String exportV6 = "where proto = \"" + ANNOUNCE6 + "\" || source = RTS_BGP";
        if (n.family() == Afi.IPV4) {
            b.append("  ipv4 {\n    import all;\n    export ").append(exportV4).append(";\n  };\n");
        }
        // IPv6 unicast rides on an IPv4 session too (MP-BGP, RFC 4760), with an IPv6 next hop given explicitly
        // because the session's own address is IPv4 (no RFC 8950 extended next hop).
        b.append("  ipv6 {\n    import all;\n    export ").append(exportV6).append(";\n");
        if (n.family() == Afi.IPV4) {
            b.append("    extended next hop off;\n");
            if (c.ipv6NextHop() != null) {
                b.append("    next hop address ").append(c.ipv6NextHop()).append(";\n");
            }
        }
        b.append("  };\n}\n\n");
    }
}
