package dev.tabby.netlink;

import java.util.function.IntFunction;

/**
 * Objects in iproute2's words for error messages, with interface names instead of indexes where the handle can
 * still resolve them: {@code route 10.1.0.0/26 via 10.0.0.2 dev eth0}.
 */
final class Describe {
    private Describe() {
    }

    static String link(String name) {
        return "link " + name;
    }

    static String addr(Addr a, IntFunction<String> dev) {
        return "address " + a.address() + " dev " + dev.apply(a.linkIndex());
    }

    static String route(Route r, IntFunction<String> dev) {
        StringBuilder sb = new StringBuilder("route ");
        switch (r.type()) {
            case RouteType.BLACKHOLE -> sb.append("blackhole ");
            case RouteType.UNREACHABLE -> sb.append("unreachable ");
            case RouteType.PROHIBIT -> sb.append("prohibit ");
            case RouteType.LOCAL -> sb.append("local ");
            default -> { }
        }
        sb.append(r.destination());
        if (r.gateway() != null) {
            sb.append(" via ").append(r.gateway());
        }
        if (r.linkIndex() != 0) {
            sb.append(" dev ").append(dev.apply(r.linkIndex()));
        }
        for (Route.NextHop h : r.nextHops()) {
            sb.append(" nexthop");
            if (h.gateway() != null) {
                sb.append(" via ").append(h.gateway());
            }
            if (h.linkIndex() != 0) {
                sb.append(" dev ").append(dev.apply(h.linkIndex()));
            }
        }
        if (r.source() != null) {
            sb.append(" src ").append(r.source());
        }
        if (r.table() != Route.MAIN_TABLE && r.table() != 0) {
            sb.append(" table ").append(r.table());
        }
        if (r.metric() != 0) {
            sb.append(" metric ").append(r.metric());
        }
        if (r.onlink()) {
            sb.append(" onlink");
        }
        return sb.toString();
    }

    static String neigh(Neigh n, IntFunction<String> dev) {
        return "neighbour " + n.ip() + (n.mac() == null ? "" : " lladdr " + n.mac()) + " dev " + dev.apply(n.linkIndex());
    }

    static String fdb(Fdb f, IntFunction<String> dev) {
        return "fdb " + f.mac() + (f.remote() == null ? "" : " dst " + f.remote()) + " dev " + dev.apply(f.linkIndex());
    }
}
