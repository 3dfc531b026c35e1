package dev.tabby.netlink;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.List;

/**
 * A route, as {@code ip route} shows it. Tables: 254 is main. A multipath route has {@code nextHops} and no
 * gateway or link of its own.
 *
 * @param destination the destination prefix (host bits zero); 0.0.0.0/0 or ::/0 for default
 * @param gateway     via; null for a directly connected route
 * @param linkIndex   dev; 0 for none (blackhole, multipath)
 * @param source      preferred source address (src), or null
 * @param table       routing table, 254 = main
 * @param protocol    who installed it: {@link RouteProtocol}
 * @param scope       {@link Scope}
 * @param type        {@link RouteType}
 * @param metric      priority; 0 for none
 * @param onlink      RTNH_F_ONLINK: the gateway is on the link even if no subnet says so
 */
public record Route(Cidr destination, IpAddress gateway, int linkIndex, IpAddress source, int table, int protocol,
                    int scope, int type, int metric, boolean onlink, List<NextHop> nextHops) {
    public static final int MAIN_TABLE = 254;

    public Route {
        nextHops = nextHops == null ? List.of() : List.copyOf(nextHops);
    }

    /** One path of a multipath route; weight 1..256 as {@code ip route ... nexthop ... weight N}. */
    public record NextHop(IpAddress gateway, int linkIndex, int weight, boolean onlink) {
    }

    /**
     * A unicast route in the main table; scope link when there is no gateway, as iproute2 chooses for IPv4. IPv6
     * routes have no scope (the kernel stores universe whatever is sent), so they get universe and read back equal.
     */
    public static Route via(Cidr destination, IpAddress gateway, int linkIndex, int protocol) {
        int scope = gateway == null && destination.isV4() ? Scope.LINK : Scope.UNIVERSE;
        return new Route(destination, gateway, linkIndex, null, MAIN_TABLE, protocol, scope, RouteType.UNICAST, 0, false, List.of());
    }

    public static Route blackhole(Cidr destination, int protocol) {
        return new Route(destination, null, 0, null, MAIN_TABLE, protocol, Scope.UNIVERSE, RouteType.BLACKHOLE, 0, false, List.of());
    }

    public Route withTable(int newTable) {
        return new Route(destination, gateway, linkIndex, source, newTable, protocol, scope, type, metric, onlink, nextHops);
    }

    public Route withMetric(int newMetric) {
        return new Route(destination, gateway, linkIndex, source, table, protocol, scope, type, newMetric, onlink, nextHops);
    }

    public Route withSource(IpAddress newSource) {
        return new Route(destination, gateway, linkIndex, newSource, table, protocol, scope, type, metric, onlink, nextHops);
    }

    public Route withOnlink(boolean newOnlink) {
        return new Route(destination, gateway, linkIndex, source, table, protocol, scope, type, metric, newOnlink, nextHops);
    }

    public int family() {
        return destination.isV4() ? Family.INET : Family.INET6;
    }

    /** iproute2's words, for messages: {@code 10.1.0.0/26 via 10.0.0.2 dev #3 proto 81}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (type == RouteType.BLACKHOLE) {
            sb.append("blackhole ");
        }
        sb.append(destination);
        if (gateway != null) {
            sb.append(" via ").append(gateway);
        }
        if (linkIndex != 0) {
            sb.append(" dev #").append(linkIndex);
        }
        nextHops.forEach(h -> sb.append(" nexthop via ").append(h.gateway()).append(" dev #").append(h.linkIndex()));
        if (table != MAIN_TABLE) {
            sb.append(" table ").append(table);
        }
        sb.append(" proto ").append(protocol);
        if (metric != 0) {
            sb.append(" metric ").append(metric);
        }
        if (onlink) {
            sb.append(" onlink");
        }
        return sb.toString();
    }
}
