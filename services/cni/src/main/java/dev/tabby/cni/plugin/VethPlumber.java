package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkAttrs;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteFilter;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.netlink.Scope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel side of a workload, as Calico's plugin sets it up. Host side: a {@code cali*} veth with MAC
 * ee:ee:ee:ee:ee:ee, proxy ARP (no delay) and forwarding on, and a host route to each workload address, protocol 80.
 * Workload side: the veth's peer, created directly in the container's namespace as CNI_IFNAME, with the /32 (/128)
 * addresses, a link route to 169.254.1.1 and the default route through it (IPv6: through the host side's
 * link-local address).
 */
final class VethPlumber {
    static final MacAddress HOST_MAC = MacAddress.parse("ee:ee:ee:ee:ee:ee");
    static final IpAddress GATEWAY_V4 = IpAddress.parse("169.254.1.1");
    static final Cidr GATEWAY_V4_HOST = new Cidr(GATEWAY_V4, 32);
    static final Cidr DEFAULT_V4 = Cidr.parse("0.0.0.0/0");
    static final Cidr DEFAULT_V6 = Cidr.parse("::/0");
    private static final int IFA_F_NODAD = 0x02;
    private static final long LINK_LOCAL_WAIT_MS = 3000;

    /**
     * What ADD set up.
     *
     * @param ipv6Gateway the host side's link-local address, the container's IPv6 gateway; null without IPv6
     */
    record Attached(String hostVeth, int hostIndex, String containerMac, IpAddress ipv6Gateway) {
    }

    /** The host-side sysctls, per IP version, as Calico writes them (the order matters for IPv6: before link up). */
    static Map<String, String> hostSysctls(String veth, boolean v4, boolean v6) {
        Map<String, String> s = new java.util.LinkedHashMap<>();
        if (v4) {
            s.put("net/ipv4/neigh/" + veth + "/proxy_delay", "0");
            s.put("net/ipv4/conf/" + veth + "/proxy_arp", "1");
            s.put("net/ipv4/conf/" + veth + "/forwarding", "1");
        }
        if (v6) {
            s.put("net/ipv6/conf/" + veth + "/accept_dad", "0");
            s.put("net/ipv6/conf/" + veth + "/disable_ipv6", "0");
            s.put("net/ipv6/conf/" + veth + "/proxy_ndp", "1");
            s.put("net/ipv6/conf/" + veth + "/forwarding", "1");
        }
        return s;
    }

    /**
     * Creates the pair (or finds it, when this container already has it: a repeated ADD) and configures both sides.
     * A leftover {@code cali*} of the same name that is not this container's pair is removed first, as Calico does.
     * Registers the veth's removal with {@code undo} when it was created here.
     */
    Attached attach(Netlink host, Netlink container, Path netns, String hostVeth, String ifName, int mtu,
                    List<Cidr> addresses, Undo undo) {
        boolean v4 = addresses.stream().anyMatch(Cidr::isV4);
        boolean v6 = addresses.stream().anyMatch(a -> !a.isV4());
        Optional<Link> existing = host.linkByName(hostVeth);
        Optional<Link> peer = container.linkByName(ifName);
        int hostIndex;
        if (existing.isPresent() && peer.isPresent() && isPair(existing.get(), peer.get())) {
            hostIndex = existing.get().index();
        } else {
            if (existing.isPresent()) {
                deleteQuietly(host, hostVeth); // a stale veth of an earlier sandbox of this pod
            }
            if (peer.isPresent()) {
                throw new CniError(CniError.INTERFACE_FAILURE, "the container's network namespace " + netns
                        + " already has an interface named " + ifName + " that is not the peer of " + hostVeth
                        + "; pick another CNI_IFNAME or remove that interface");
            }
            Link made = step("create veth " + hostVeth + " with peer " + ifName + " in " + netns, () -> host.linkAdd(
                    new Link.Veth(LinkAttrs.named(hostVeth).withMtu(mtu).withMac(HOST_MAC), ifName, netns)));
            undo.push("removed veth " + hostVeth, () -> deleteQuietly(host, hostVeth));
            hostIndex = made.index();
        }

        hostSysctls(hostVeth, v4, v6).forEach((path, value) ->
                step("set sysctl " + path + "=" + value, () -> {
                    host.sysctlSet(path, value);
                    return null;
                }));
        step("set " + hostVeth + " up", () -> {
            host.linkSetUp(hostVeth);
            return null;
        });

        if (v6) {
            for (String path : List.of("net/ipv6/conf/" + ifName + "/accept_dad", "net/ipv6/conf/" + ifName + "/disable_ipv6")) {
                step("set sysctl " + path + "=0 in the container", () -> {
                    container.sysctlSet(path, "0");
                    return null;
                });
            }
        }
        Link inside = container.linkByName(ifName).orElseThrow(() -> new CniError(CniError.INTERFACE_FAILURE,
                "the veth peer " + ifName + " is missing from " + netns + " right after it was created"));
        int contIndex = inside.index();
        step("set " + ifName + " up in the container", () -> {
            container.linkSetUp(ifName);
            return null;
        });
        for (Cidr a : addresses) {
            step("add address " + a + " to " + ifName + " in the container", () -> {
                container.addrReplace(new Addr(contIndex, a, Scope.UNIVERSE, a.isV4() ? 0 : IFA_F_NODAD, null));
                return null;
            });
        }
        if (v4) {
            step("add route " + GATEWAY_V4 + " dev " + ifName + " scope link in the container", () -> {
                container.routeReplace(Route.via(GATEWAY_V4_HOST, null, contIndex, RouteProtocol.BOOT));
                return null;
            });
            step("add default route via " + GATEWAY_V4 + " in the container", () -> {
                container.routeReplace(Route.via(DEFAULT_V4, GATEWAY_V4, contIndex, RouteProtocol.BOOT));
                return null;
            });
        }
        IpAddress v6Gateway = null;
        if (v6) {
            IpAddress ll = waitForLinkLocal(host, hostVeth, hostIndex);
            v6Gateway = ll;
            step("add default route via " + ll + " in the container", () -> {
                container.routeReplace(Route.via(DEFAULT_V6, ll, contIndex, RouteProtocol.BOOT));
                return null;
            });
        }
        for (Cidr a : addresses) {
            step("add route " + a + " dev " + hostVeth + " proto " + RouteProtocol.CNI + " on the host", () -> {
                host.routeReplace(Route.via(a, null, hostIndex, RouteProtocol.CNI));
                return null;
            });
        }
        String mac = container.linkByName(ifName).map(l -> Objects.toString(l.attrs().mac(), null)).orElse(null);
        return new Attached(hostVeth, hostIndex, mac, v6Gateway);
    }

    /** Removes CNI_IFNAME from the container (which takes its host peer and the host routes with it). */
    boolean deleteContainerSide(Netlink container, String ifName) {
        Optional<Link> l = container.linkByName(ifName);
        if (l.isEmpty() || !(l.get() instanceof Link.Veth)) {
            return false;
        }
        return deleteQuietly(container, ifName);
    }

    /** Removes the host side; false when it was not there. */
    boolean deleteHostSide(Netlink host, String hostVeth) {
        return deleteQuietly(host, hostVeth);
    }

    /** The host side's peer, in the container, is {@code ifName}: the pair is this container's. */
    static boolean isPair(Link hostSide, Link containerSide) {
        return hostSide instanceof Link.Veth && containerSide instanceof Link.Veth
                && hostSide.attrs().parentIndex() == containerSide.index()
                && containerSide.attrs().parentIndex() == hostSide.index();
    }

    /**
     * What differs from an attachment with these addresses, in the operator's words; empty when all is as ADD left
     * it. {@code container} may be null when the namespace is gone.
     */
    List<String> check(Netlink host, Netlink container, String hostVeth, String ifName, List<Cidr> addresses,
                       String expectedMac) {
        List<String> problems = new ArrayList<>();
        Optional<Link> h = host.linkByName(hostVeth);
        if (h.isEmpty()) {
            problems.add("host interface " + hostVeth + " is missing");
            return problems;
        }
        Link hostLink = h.get();
        if (!(hostLink instanceof Link.Veth)) {
            problems.add("host interface " + hostVeth + " is not a veth");
        }
        if (!hostLink.attrs().up()) {
            problems.add("host interface " + hostVeth + " is down");
        }
        if (!HOST_MAC.equals(hostLink.attrs().mac())) {
            problems.add("host interface " + hostVeth + " has MAC " + hostLink.attrs().mac() + ", expected " + HOST_MAC);
        }
        boolean v4 = addresses.stream().anyMatch(Cidr::isV4);
        boolean v6 = addresses.stream().anyMatch(a -> !a.isV4());
        hostSysctls(hostVeth, v4, v6).forEach((path, want) -> {
            String got = host.sysctlGet(path);
            if (!want.equals(got)) {
                problems.add("sysctl " + path + " is " + got + ", expected " + want);
            }
        });
        for (Cidr a : addresses) {
            boolean routed = host.routeList(new RouteFilter(a.isV4() ? Family.INET : Family.INET6, Route.MAIN_TABLE,
                    null, null, a)).stream().anyMatch(r -> r.linkIndex() == hostLink.index() && r.protocol() == RouteProtocol.CNI);
            if (!routed) {
                problems.add("host route " + a + " dev " + hostVeth + " proto " + RouteProtocol.CNI + " is missing");
            }
        }
        if (container == null) {
            problems.add("the container's network namespace is gone");
            return problems;
        }
        Optional<Link> c = container.linkByName(ifName);
        if (c.isEmpty()) {
            problems.add("container interface " + ifName + " is missing");
            return problems;
        }
        Link cl = c.get();
        if (!isPair(hostLink, cl)) {
            problems.add("container interface " + ifName + " is not the peer of " + hostVeth);
        }
        if (!cl.attrs().up()) {
            problems.add("container interface " + ifName + " is down");
        }
        if (expectedMac != null && cl.attrs().mac() != null && !expectedMac.equalsIgnoreCase(cl.attrs().mac().toString())) {
            problems.add("container interface " + ifName + " has MAC " + cl.attrs().mac() + ", the previous result says " + expectedMac);
        }
        List<Addr> have = container.addrList(cl.index(), 0);
        for (Cidr a : addresses) {
            if (have.stream().noneMatch(x -> x.address().equals(a))) {
                problems.add("container interface " + ifName + " lacks address " + a);
            }
        }
        List<Route> routes = container.routeList(new RouteFilter(null, Route.MAIN_TABLE, null, cl.index(), null));
        if (v4) {
            if (routes.stream().noneMatch(r -> r.destination().equals(GATEWAY_V4_HOST) && r.gateway() == null)) {
                problems.add("container route " + GATEWAY_V4 + " dev " + ifName + " scope link is missing");
            }
            if (routes.stream().noneMatch(r -> r.destination().equals(DEFAULT_V4) && GATEWAY_V4.equals(r.gateway()))) {
                problems.add("container default route via " + GATEWAY_V4 + " dev " + ifName + " is missing");
            }
        }
        if (v6 && routes.stream().noneMatch(r -> r.destination().equals(DEFAULT_V6) && r.gateway() != null)) {
            problems.add("container IPv6 default route dev " + ifName + " is missing");
        }
        return problems;
    }

    /** The host side's fe80:: address: the kernel adds it when the link comes up (no DAD: accept_dad is 0). */
    private static IpAddress waitForLinkLocal(Netlink host, String hostVeth, int hostIndex) {
        long deadline = System.nanoTime() + LINK_LOCAL_WAIT_MS * 1_000_000;
        Cidr linkLocal = Cidr.parse("fe80::/10");
        while (true) {
            for (Addr a : host.addrList(hostIndex, Family.INET6)) {
                if (linkLocal.contains(a.address().address())) {
                    return a.address().address();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new CniError(CniError.INTERFACE_FAILURE, "host interface " + hostVeth + " got no IPv6 link-local address within "
                        + LINK_LOCAL_WAIT_MS + " ms; is IPv6 disabled on the host (net.ipv6.conf.default.disable_ipv6)?");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CniError(CniError.TRY_AGAIN_LATER, "interrupted while waiting for " + hostVeth + "'s link-local address");
            }
        }
    }

    private static boolean deleteQuietly(Netlink nl, String name) {
        try {
            nl.linkDel(name);
            return true;
        } catch (NetlinkException e) {
            if ("ENODEV".equals(e.errnoName())) {
                return false;
            }
            throw e;
        }
    }

    private interface Action<T> {
        T run();
    }

    /** Runs one kernel step; a refusal becomes a CNI error naming the step. */
    private static <T> T step(String what, Action<T> action) {
        try {
            return action.run();
        } catch (NetlinkException e) {
            throw new CniError(CniError.INTERFACE_FAILURE, "could not " + what + ": " + e.getMessage(), null, e);
        }
    }
}
