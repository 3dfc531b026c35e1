package dev.tabby.probe.net;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.RouteType;
import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.HostRoot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IPv4 main routing table of the probed node. On a live host it is read through netlink in the network namespace
 * this process runs in (the node's: the testbed runs the probe under {@code ip netns exec}); under a fixture root from
 * the fixture's {@code /proc/net/route}, which lists the main table as the kernel prints it.
 */
public final class RouteTable {
    private static final int RTF_REJECT = 0x0200;

    /**
     * One route.
     *
     * @param device the interface, or null when the route has none (blackhole, unreachable, multipath)
     * @param type   {@link RouteType}: unicast, blackhole, unreachable, prohibit, ...
     */
    public record Entry(Cidr destination, IpAddress gateway, String device, int type, int metric) {
        public boolean unicast() {
            return type == RouteType.UNICAST;
        }

        /** As {@code ip route} prints it: {@code default via 10.0.0.1 dev eth0}, {@code blackhole 169.254.0.0/16}. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            switch (type) {
                case RouteType.BLACKHOLE -> s.append("blackhole ");
                case RouteType.UNREACHABLE -> s.append("unreachable ");
                case RouteType.PROHIBIT -> s.append("prohibit ");
                default -> {
                }
            }
            s.append(destination.prefixLength() == 0 ? "default" : destination.toString());
            if (gateway != null) {
                s.append(" via ").append(gateway);
            }
            if (device != null) {
                s.append(" dev ").append(device);
            }
            if (metric != 0) {
                s.append(" metric ").append(metric);
            }
            return s.toString();
        }
    }

    private final List<Entry> routes;
    private final String source;
    private final String problem;

    private RouteTable(List<Entry> routes, String source, String problem) {
        this.routes = List.copyOf(routes);
        this.source = source;
        this.problem = problem;
    }

    public static RouteTable read(HostRoot host) {
        return host.live() ? fromNetlink() : fromProcNetRoute(host.network());
    }

    private static RouteTable fromNetlink() {
        String source = "the main routing table of this network namespace (netlink)";
        try (Netlink nl = Netlink.open()) {
            Map<Integer, String> names = new HashMap<>();
            for (Link l : nl.linkList()) {
                names.put(l.attrs().index(), l.attrs().name());
            }
            List<Entry> out = new ArrayList<>();
            for (Route r : nl.routeList(new RouteFilter(Family.INET, Route.MAIN_TABLE, null, null, null))) {
                out.add(new Entry(r.destination(), r.gateway(), r.linkIndex() == 0 ? null
                        : names.getOrDefault(r.linkIndex(), "#" + r.linkIndex()), r.type(), r.metric()));
            }
            return new RouteTable(out, source, null);
        } catch (NetlinkException | UnsupportedOperationException | LinkageError e) {
            return new RouteTable(List.of(), source, "cannot list the routes: " + e.getMessage());
        }
    }

    /** {@code Iface Destination Gateway Flags RefCnt Use Metric Mask ...}, addresses as little-endian hex. */
    static RouteTable fromProcNetRoute(HostRoot host) {
        FileText f = host.read("/proc/net/route");
        if (!f.ok()) {
            return new RouteTable(List.of(), f.shown(), f.describe());
        }
        List<Entry> out = new ArrayList<>();
        for (String line : f.lines()) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 8 || w[0].equals("Iface")) {
                continue;
            }
            try {
                IpAddress dst = hexAddress(w[1]);
                IpAddress gw = hexAddress(w[2]);
                int flags = Integer.parseInt(w[3], 16);
                int metric = Integer.parseInt(w[6]);
                int prefix = Integer.bitCount(Integer.parseUnsignedInt(w[7], 16));
                boolean noDevice = w[0].equals("*");
                int type = (flags & RTF_REJECT) != 0 ? RouteType.UNREACHABLE : noDevice ? RouteType.BLACKHOLE
                        : RouteType.UNICAST;
                out.add(new Entry(new Cidr(dst, prefix), gw.equals(IpAddress.parse("0.0.0.0")) ? null : gw,
                        noDevice ? null : w[0], type, metric));
            } catch (IllegalArgumentException e) {
                return new RouteTable(List.of(), f.shown(), f.shown() + " has a line that is not a route: " + line.trim());
            }
        }
        return new RouteTable(out, f.shown(), null);
    }

    private static IpAddress hexAddress(String hex) {
        long v = Long.parseLong(hex, 16);
        return IpAddress.of(new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
    }

    /** Where the routes came from, for messages. */
    public String source() {
        return source;
    }

    /** Why the routes could not be read, when they could not. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    public List<Entry> routes() {
        return routes;
    }

    /**
     * The route the kernel picks for {@code ip} in this table: the longest prefix that covers it, then the lowest
     * metric. A blackhole or unreachable route can be that route, and then nothing is reachable there.
     */
    public Optional<Entry> lookup(IpAddress ip) {
        return routes.stream().filter(r -> r.destination().contains(ip))
                .max(Comparator.comparingInt((Entry r) -> r.destination().prefixLength())
                        .thenComparing(Comparator.comparingInt(Entry::metric).reversed()));
    }

    /** The unicast default route with the lowest metric. */
    public Optional<Entry> defaultRoute() {
        return routes.stream().filter(r -> r.destination().prefixLength() == 0 && r.unicast())
                .min(Comparator.comparingInt(Entry::metric));
    }
}
