package dev.tabby.cni.plugin;

import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The workload MTU when the configuration gives none, as Calico works it out: the smallest MTU among the host's
 * uplinks (the devices its default routes leave through), less the largest encapsulation overhead in use.
 */
final class MtuDetector {
    static final int FALLBACK = 1500;

    private MtuDetector() {
    }

    static int detect(Netlink host, int encapsulationOverhead) {
        return Math.max(68, uplinkMtu(host) - encapsulationOverhead);
    }

    static int uplinkMtu(Netlink host) {
        Set<Integer> uplinks = new HashSet<>();
        for (Route r : host.routeList(new RouteFilter(Family.INET, Route.MAIN_TABLE, null, null, Cidr.parse("0.0.0.0/0")))) {
            addUplinks(uplinks, r);
        }
        for (Route r : host.routeList(new RouteFilter(Family.INET6, Route.MAIN_TABLE, null, null, Cidr.parse("::/0")))) {
            addUplinks(uplinks, r);
        }
        List<Link> links = host.linkList();
        int mtu = links.stream().filter(l -> uplinks.contains(l.index())).mapToInt(l -> l.attrs().mtu()).filter(m -> m > 0)
                .min().orElse(0);
        if (mtu > 0) {
            return mtu;
        }
        // No default route: the smallest MTU of the host's own up interfaces, leaving out loopback, workloads and tunnels.
        return links.stream().filter(l -> l.attrs().up() && isUplinkCandidate(l.name())).mapToInt(l -> l.attrs().mtu())
                .filter(m -> m > 0).min().orElse(FALLBACK);
    }

    private static void addUplinks(Set<Integer> uplinks, Route r) {
        if (r.linkIndex() > 0) {
            uplinks.add(r.linkIndex());
        }
        r.nextHops().forEach(h -> uplinks.add(h.linkIndex()));
    }

    private static boolean isUplinkCandidate(String name) {
        return !name.equals("lo") && !name.startsWith("cali") && !name.equals("tunl0") && !name.equals("vxlan.calico")
                && !name.startsWith("veth") && !name.startsWith("docker") && !name.startsWith("cni");
    }
}
