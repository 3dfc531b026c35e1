package dev.tabby.testbed.routers;

/**
 * gobgpd's TOML configuration for a {@link RouterConfig}. Prefixes are not in it: they are added at run time with
 * {@code gobgp global rib add}, so the start-up ones and later ones take the same path.
 */
final class GobgpConfig {
    private GobgpConfig() {
    }

    static String toml(RouterConfig c) {
        StringBuilder b = new StringBuilder("# Written by Tabby's testbed (dev.tabby.testbed.routers.GobgpRouter).\n");
        b.append("[global.config]\n");
        b.append("  as = ").append(c.localAs()).append('\n');
        b.append("  router-id = \"").append(c.routerId()).append("\"\n");
        b.append("  port = 179\n");
        if (!c.listenAddresses().isEmpty()) {
            b.append("  local-address-list = [")
                    .append(String.join(", ", c.listenAddresses().stream().map(a -> "\"" + a + "\"").toList()))
                    .append("]\n");
        }
        for (Neighbour n : c.neighbours()) {
            neighbour(b, c, n);
        }
        return b.toString();
    }

    private static void neighbour(StringBuilder b, RouterConfig c, Neighbour n) {
        b.append("\n[[neighbors]]\n");
        b.append("  [neighbors.config]\n");
        b.append("    neighbor-address = \"").append(n.address()).append("\"\n");
        b.append("    peer-as = ").append(n.as()).append('\n');
        if (n.password() != null) {
            b.append("    auth-password = \"").append(n.password()).append("\"\n");
        }
        b.append("  [neighbors.timers.config]\n");
        b.append("    hold-time = ").append(c.holdTimeSeconds()).append('\n');
        b.append("    keepalive-interval = ").append(c.holdTimeSeconds() / 3).append('\n');
        b.append("    connect-retry = 5\n");
        String local = c.listenAddress(n.family());
        if (n.passive() || local != null) {
            b.append("  [neighbors.transport.config]\n");
            if (n.passive()) {
                b.append("    passive-mode = true\n");
            }
            if (local != null) {
                b.append("    local-address = \"").append(local).append("\"\n");
            }
        }
        if (n.multihop() > 0) {
            b.append("  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = ")
                    .append(n.multihop()).append('\n');
        }
        if (n.routeReflectorClient()) {
            b.append("  [neighbors.route-reflector.config]\n    route-reflector-client = true\n")
                    .append("    route-reflector-cluster-id = \"").append(c.routerId()).append("\"\n");
        }
        if (c.gracefulRestart()) {
            b.append("  [neighbors.graceful-restart.config]\n    enabled = true\n");
        }
        // An IPv4 session carries IPv6 unicast too (MP-BGP); an IPv6 session carries IPv6 only.
        if (n.family() == Afi.IPV4) {
            afiSafi(b, "ipv4-unicast", c.gracefulRestart());
        }
        afiSafi(b, "ipv6-unicast", c.gracefulRestart());
    }

    private static void afiSafi(StringBuilder b, String name, boolean gracefulRestart) {
        b.append("  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"")
                .append(name).append("\"\n");
        if (gracefulRestart) {
            b.append("    [neighbors.afi-safis.mp-graceful-restart.config]\n      enabled = true\n");
        }
    }
}
