package dev.tabby.ipip.plan;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.NodeRoutingFields;

/**
 * What the plan needs of one Node, parsed once when the Node changes (on the decoding threads, not the apply thread).
 *
 * @param name           the node name
 * @param underlay       {@code spec.bgp.ipv4Address} with its subnet's prefix (a bare address counts as /32), or null
 *                       when missing or not IPv4: the outer destination of IP-in-IP packets to the node
 * @param tunnelAddress  {@code spec.bgp.ipv4IPIPTunnelAddr}, or null
 */
public record IpipNode(String name, Cidr underlay, IpAddress tunnelAddress) {

    public static IpipNode of(Node node) {
        Node.BGP bgp = node.spec() == null ? null : node.spec().bgp();
        return new IpipNode(node.name(), bgp == null ? null : cidr(bgp.ipv4Address()),
                bgp == null ? null : address(bgp.ipv4IPIPTunnelAddr()));
    }

    /** The same from the fields read straight from etcd (the agent's path: no whole Node is built). */
    public static IpipNode of(NodeRoutingFields fields) {
        return new IpipNode(fields.name(), cidr(fields.ipv4Address()), address(fields.ipv4IPIPTunnelAddr()));
    }

    private static Cidr cidr(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Cidr c = Cidr.parseCidrOrIp(text.trim());
            return c.isV4() ? c : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static IpAddress address(String text) {
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
