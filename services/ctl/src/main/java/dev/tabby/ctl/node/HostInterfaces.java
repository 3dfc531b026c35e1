package dev.tabby.ctl.node;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.RouteType;
import dev.tabby.netlink.Scope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What autodetection reads from the host: its interfaces' global addresses and its routes, through netlink. */
public final class HostInterfaces {
    private final List<HostAddress> addresses;
    private final List<Route> routes;
    private final Map<Integer, String> names;

    HostInterfaces(List<HostAddress> addresses, List<Route> routes, Map<Integer, String> names) {
        this.addresses = addresses;
        this.routes = routes;
        this.names = names;
    }

    /** Reads the namespace {@code netlink} is in. */
    public static HostInterfaces read(Netlink netlink) {
        Map<Integer, String> names = new HashMap<>();
        for (Link l : netlink.linkList()) {
            names.put(l.index(), l.name());
        }
        List<HostAddress> out = new ArrayList<>();
        for (Addr a : netlink.addrList(0, Family.UNSPEC)) {
            if (a.scope() != Scope.UNIVERSE) {
                continue; // link-local and host-scope addresses cannot identify a node to its peers
            }
            out.add(new HostAddress(names.getOrDefault(a.linkIndex(), "#" + a.linkIndex()), a.address()));
        }
        out.sort(Comparator.comparing(HostAddress::interfaceName));
        List<Route> routes = netlink.routeList(RouteFilter.ALL.withFamily(Family.INET))
                .stream().filter(r -> r.table() == Route.MAIN_TABLE).toList();
        List<Route> v6 = netlink.routeList(RouteFilter.ALL.withFamily(Family.INET6))
                .stream().filter(r -> r.table() == Route.MAIN_TABLE).toList();
        List<Route> all = new ArrayList<>(routes);
        all.addAll(v6);
        return new HostInterfaces(out, all, names);
    }

    public List<HostAddress> addresses() {
        return addresses;
    }

    /**
     * The address this host would send from to reach {@code destination}: the longest-prefix route's preferred
     * source, else an address on its device (one whose subnet holds the gateway or destination first).
     */
    public Optional<HostAddress> sourceFor(IpAddress destination) {
        Optional<Route> best = routes.stream()
                .filter(r -> r.type() == RouteType.UNICAST && r.destination().contains(destination))
                .max(Comparator.comparingInt((Route r) -> r.destination().prefixLength())
                        .thenComparing(Comparator.comparingInt(Route::metric).reversed()));
        if (best.isEmpty()) {
            return Optional.empty();
        }
        Route r = best.get();
        String dev = names.get(r.linkIndex());
        List<HostAddress> onDev = addresses.stream()
                .filter(a -> a.interfaceName().equals(dev) && a.address().version() == destination.version()).toList();
        if (r.source() != null) {
            return onDev.stream().filter(a -> a.address().address().equals(r.source())).findFirst()
                    .or(() -> Optional.of(new HostAddress(dev, new Cidr(r.source(), r.source().bitLength()))));
        }
        IpAddress target = r.gateway() != null ? r.gateway() : destination;
        return onDev.stream().filter(a -> a.address().contains(target)).findFirst().or(() -> onDev.stream().findFirst());
    }
}
