package dev.tabby.vxlan.plan;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Node;
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
        MacAddress mac = null;
        String macProblem = null;
        try {
            mac = VtepMac.of(node);
        } catch (IllegalArgumentException e) {
            macProblem = e.getMessage();
        }
        return new NodeFacts(node.name(), underlay(node), tunnelAddress(node), mac, macProblem);
    }

    private static Cidr underlay(Node node) {
        if (node.spec() == null || node.spec().bgp() == null || node.spec().bgp().ipv4Address() == null) {
            return null;
        }
        try {
            Cidr c = Cidr.parseCidrOrIp(node.spec().bgp().ipv4Address().trim());
            return c.isV4() ? c : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static IpAddress tunnelAddress(Node node) {
        String text = node.spec() == null ? null : node.spec().ipv4VXLANTunnelAddr();
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
