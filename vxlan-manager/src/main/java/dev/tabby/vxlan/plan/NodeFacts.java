package dev.tabby.vxlan.plan;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.NodeRoutingFields;
import dev.tabby.netlink.MacAddress;

/**
 * What the plan needs of one Node, parsed once when the Node changes rather than on every apply.
 *
 * @param name           the node name
 * @param underlay       {@code spec.bgp.ipv4Address} with its subnet's prefix (a bare address counts as /32), or
 *                       null when missing or not IPv4
 * @param tunnelAddress  {@code spec.ipv4VXLANTunnelAddr}, or null
 * @param mac            the tunnel MAC ({@link VtepMac#of}), or null when the Node's own MAC does not parse
 * @param macProblem     why the MAC is null
 */
public record NodeFacts(String name, Cidr underlay, IpAddress tunnelAddress, MacAddress mac, String macProblem) {

    public static NodeFacts of(Node node) {
        Node.Spec spec = node.spec();
        return of(node.name(), spec == null || spec.bgp() == null ? null : spec.bgp().ipv4Address(),
                spec == null ? null : spec.ipv4VXLANTunnelAddr(), spec == null ? null : spec.vxlanTunnelMACAddr());
    }

    /** The same facts from the fields read straight from etcd (the agent's path: no whole Node is built). */
    public static NodeFacts of(NodeRoutingFields fields) {
        return of(fields.name(), fields.ipv4Address(), fields.ipv4VXLANTunnelAddr(), fields.vxlanTunnelMACAddr());
    }

    private static NodeFacts of(String name, String ipv4Address, String tunnel, String setMac) {
        MacAddress mac = null;
        String macProblem = null;
        try {
            mac = VtepMac.of(name, setMac);
        } catch (IllegalArgumentException e) {
            macProblem = e.getMessage();
        }
        return new NodeFacts(name, underlay(ipv4Address), tunnelAddress(tunnel), mac, macProblem);
    }

    private static Cidr underlay(String ipv4Address) {
        if (ipv4Address == null) {
            return null;
        }
        try {
            Cidr c = Cidr.parseCidrOrIp(ipv4Address.trim());
            return c.isV4() ? c : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static IpAddress tunnelAddress(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            IpAddress ip = IpAddress.parse(text.trim());
            return ip.isV4() ? ip : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The node's address on the underlay, or null. */
    public IpAddress underlayAddress() {
        return underlay == null ? null : underlay.address();
    }
}
