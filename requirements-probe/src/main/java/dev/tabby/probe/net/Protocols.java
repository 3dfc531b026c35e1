package dev.tabby.probe.net;

import java.util.Locale;
import java.util.Map;

/** Protocol and service names as iptables and nft print them (from /etc/protocols and /etc/services). */
final class Protocols {
    static final int UNKNOWN = -1;

    private static final Map<String, Integer> PROTOCOLS = Map.ofEntries(
            Map.entry("icmp", 1), Map.entry("igmp", 2), Map.entry("ipencap", 4), Map.entry("ipip", 4),
            Map.entry("ipv4", 4), Map.entry("tcp", 6), Map.entry("udp", 17), Map.entry("gre", 47),
            Map.entry("esp", 50), Map.entry("ah", 51), Map.entry("icmpv6", 58), Map.entry("ipv6-icmp", 58),
            Map.entry("sctp", 132), Map.entry("udplite", 136));
    private static final Map<String, Integer> SERVICES = Map.of("bgp", 179, "etcd-client", 2379);

    private Protocols() {
    }

    /** True for iptables' "all" (also written 0): no protocol condition. */
    static boolean isAll(String name) {
        return name.equalsIgnoreCase("all") || name.equals("0");
    }

    /** A protocol number from a name or number; {@link #UNKNOWN} when neither. */
    static int protocol(String name) {
        Integer known = PROTOCOLS.get(name.toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    /** A port from a number or service name; {@link #UNKNOWN} when neither. */
    static int port(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return SERVICES.getOrDefault(s.trim().toLowerCase(Locale.ROOT), UNKNOWN);
        }
    }

    /**
     * Whether {@code port} is in {@code spec}: one port, a range {@code a:b} / {@code a-b} (open ends allowed), or a
     * service name. Null when the spec cannot be read.
     */
    static Boolean portIn(String spec, int port) {
        String s = spec.trim();
        int sep = s.indexOf(':') >= 0 ? s.indexOf(':') : s.indexOf('-');
        if (sep >= 0) {
            String lo = s.substring(0, sep).trim();
            String hi = s.substring(sep + 1).trim();
            int from = lo.isEmpty() ? 0 : port(lo);
            int to = hi.isEmpty() ? 65535 : port(hi);
            if (from == UNKNOWN || to == UNKNOWN) {
                return null;
            }
            return port >= from && port <= to;
        }
        int p = port(s);
        return p == UNKNOWN ? null : p == port;
    }
}
