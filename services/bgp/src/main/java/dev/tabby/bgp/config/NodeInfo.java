package dev.tabby.bgp.config;

import java.util.Map;

/**
 * One Calico node as confd sees it under /calico/bgp/v1/host/&lt;name&gt;: plain addresses without prefix length
 * (confd strips the mask of Node.spec.bgp.ipv4Address), AS number and route reflector cluster ID, both null when
 * unset, and the node's own listen port from BGPConfiguration "node.&lt;name&gt;" (null when unset).
 */
public record NodeInfo(String name, String ipv4, String ipv6, Long asNumber, Map<String, String> labels,
                       String rrClusterId, Integer listenPort) {
    public NodeInfo {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("node name is empty; every Calico node has a name");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ipv4 = blankToNull(ipv4);
        ipv6 = blankToNull(ipv6);
        rrClusterId = rrClusterId == null ? "" : rrClusterId;
    }

    public NodeInfo(String name, String ipv4, String ipv6, Long asNumber, Map<String, String> labels, String rrClusterId) {
        this(name, ipv4, ipv6, asNumber, labels, rrClusterId, null);
    }

    String address(IpFamily family) {
        return family == IpFamily.V4 ? ipv4 : ipv6;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
