package dev.tabby.testbed.routers;

import java.util.ArrayList;
import java.util.List;

/**
 * FRR 8.4's configuration for a {@link RouterConfig}: bgpd.conf, and a zebra.conf with nothing but a host name.
 * eBGP without policies (FRR's traditional defaults since 7.4 refuse to send or accept any route on an eBGP session
 * without one), and {@code network} statements that need no matching route in the RIB, as a route server's would.
 */
final class FrrConfig {
    static final String NEXT_HOP6_MAP = "tabby-nh6";

    private FrrConfig() {
    }

    static String zebra(RouterConfig c) {
        return "! Written by Tabby's testbed (dev.tabby.testbed.routers.FrrRouter).\nhostname " + hostname(c) + "\n";
    }

    static String bgpd(RouterConfig c) {
        StringBuilder b = new StringBuilder("! Written by Tabby's testbed (dev.tabby.testbed.routers.FrrRouter).\n");
        b.append("frr defaults traditional\n");
        b.append("hostname ").append(hostname(c)).append("\n!\n");
        if (c.ipv6NextHop() != null) {
            b.append("route-map ").append(NEXT_HOP6_MAP).append(" permit 10\n");
            b.append(" set ipv6 next-hop global ").append(c.ipv6NextHop()).append("\nexit\n!\n");
        }
        b.append("router bgp ").append(c.localAs()).append('\n');
        b.append(" bgp router-id ").append(c.routerId()).append('\n');
        b.append(" no bgp ebgp-requires-policy\n");
        b.append(" no bgp network import-check\n");
        b.append(c.gracefulRestart() ? " bgp graceful-restart\n" : " bgp graceful-restart-disable\n");
        b.append(" timers bgp ").append(c.holdTimeSeconds() / 3).append(' ').append(c.holdTimeSeconds()).append('\n');
        if (c.neighbours().stream().anyMatch(Neighbour::routeReflectorClient)) {
            b.append(" bgp cluster-id ").append(c.routerId()).append('\n');
        }
        for (Neighbour n : c.neighbours()) {
            String a = " neighbor " + n.address();
            b.append(a).append(" remote-as ").append(n.as()).append('\n');
            if (n.password() != null) {
                b.append(a).append(" password ").append(n.password()).append('\n');
            }
            if (n.passive()) {
                b.append(a).append(" passive\n");
            }
            // iBGP sessions are multihop already (TTL 255).
            if (n.multihop() > 0 && n.as() != c.localAs()) {
                b.append(a).append(" ebgp-multihop ").append(n.multihop()).append('\n');
            }
            b.append(a).append(" timers connect 5\n");
        }
        addressFamily(b, c, Afi.IPV4);
        addressFamily(b, c, Afi.IPV6);
        b.append("exit\n!\n");
        return b.toString();
    }

    /** The vtysh commands that add ({@code add}) or remove the {@code network} statements of these prefixes. */
    static List<String> networks(RouterConfig c, List<String> prefixes, boolean add) {
        List<String> cmds = new ArrayList<>(List.of("configure terminal", "router bgp " + c.localAs()));
        for (Afi afi : Afi.values()) {
            List<String> ofAfi = Prefixes.ofFamily(prefixes, afi);
            if (ofAfi.isEmpty()) {
                continue;
            }
            cmds.add(afi == Afi.IPV4 ? "address-family ipv4 unicast" : "address-family ipv6 unicast");
            for (String p : ofAfi) {
                cmds.add((add ? "network " : "no network ") + p);
            }
            cmds.add("exit-address-family");
        }
        return cmds;
    }

    private static void addressFamily(StringBuilder b, RouterConfig c, Afi afi) {
        b.append(afi == Afi.IPV4 ? " address-family ipv4 unicast\n" : " address-family ipv6 unicast\n");
        for (String p : Prefixes.ofFamily(c.prefixes(), afi)) {
            b.append("  network ").append(p).append('\n');
        }
        for (Neighbour n : c.neighbours()) {
            String a = "  neighbor " + n.address();
            // An IPv4 session carries IPv6 unicast too (MP-BGP); an IPv6 session carries IPv6 only.
            if (afi == Afi.IPV4 && n.family() == Afi.IPV6) {
                b.append("  no").append(a.substring(1)).append(" activate\n");
                continue;
            }
            b.append(a).append(" activate\n");
            if (n.routeReflectorClient()) {
                b.append(a).append(" route-reflector-client\n");
            }
            if (afi == Afi.IPV6 && n.family() == Afi.IPV4 && c.ipv6NextHop() != null) {
                b.append(a).append(" route-map ").append(NEXT_HOP6_MAP).append(" out\n");
            }
        }
        b.append(" exit-address-family\n");
    }

    private static String hostname(RouterConfig c) {
        return "tabby-" + c.routerId().replace('.', '-');
    }
}
