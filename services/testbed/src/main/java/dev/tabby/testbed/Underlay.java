package dev.tabby.testbed;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkAttrs;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;

/**
 * The testbed's physical network: a bridge in the underlay namespace (routing between the node subnets), and
 * each node namespace attached to it by a veth whose node end is {@code eth0}.
 */
final class Underlay {
    private final Layout layout;
    private final State state;

    Underlay(Layout layout, State state) {
        this.layout = layout;
        this.state = state;
    }

    void createNamespace(String name) {
        Shell.must("ip", "netns", "add", name);
        state.namespaces.add(name);
        state.save(layout.varDir());
        try (Netlink nl = Netlink.at(Layout.netnsPath(name))) {
            nl.linkSetUp("lo"); // IPv4 onlink routes need lo up
        }
    }

    void build() {
        createNamespace(layout.underlay());
        try (Netlink u = Netlink.at(Layout.netnsPath(layout.underlay()))) {
            u.linkAdd(new Link.Bridge(LinkAttrs.named(Layout.BRIDGE)));
            for (String gw : layout.gatewayAddresses()) {
                u.addrAdd(Addr.of(u.linkByName(Layout.BRIDGE).orElseThrow().index(), Cidr.parse(gw)));
            }
            u.linkSetUp(Layout.BRIDGE);
            u.sysctlSet("net/ipv4/ip_forward", "1");
        }
    }

    /** Creates node {@code i}'s namespace and plugs it into the bridge; returns its address. */
    String addNode(int i) {
        String node = Layout.nodeName(i);
        plug(layout.nodeNamespace(node), "u-" + node, layout.nodeAddress(i), layout.gateway(i));
        return layout.nodeAddress(i);
    }

    /**
     * Creates etcd member {@code k}'s namespace and plugs it into the bridge like a node: a member is a machine of the
     * data centre of its own, so killing it takes nothing else with it.
     */
    void addEtcdMember(int k) {
        plug(layout.etcdMemberNamespace(k), "u-" + Layout.etcdMemberName(k), Layout.etcdMemberAddress(k) + "/24",
                Layout.torAddress());
    }

    /** A namespace with {@code eth0} on the bridge (its other end {@code port}), {@code address} and a default route. */
    private void plug(String ns, String port, String address, String gateway) {
        createNamespace(ns);
        try (Netlink u = Netlink.at(Layout.netnsPath(layout.underlay()))) {
            u.linkAdd(new Link.Veth(LinkAttrs.named(port), "eth0", Layout.netnsPath(ns)));
            u.linkSetMaster(port, Layout.BRIDGE);
            u.linkSetUp(port);
        }
        try (Netlink n = Netlink.at(Layout.netnsPath(ns))) {
            int eth0 = n.linkByName("eth0").orElseThrow().index();
            n.addrAdd(Addr.of(eth0, Cidr.parse(address)));
            n.linkSetUp("eth0");
            n.routeReplace(Route.via(Cidr.parse("0.0.0.0/0"), IpAddress.parse(gateway), eth0, RouteProtocol.BOOT));
            n.sysctlSet("net/ipv4/ip_forward", "1");
        }
    }
}
