package dev.tabby.ipam;

import java.util.Map;

/**
 * The tunnel addresses calico/node allocates for a node from the same IPAM, each under its own handle and tagged
 * with the {@code type} attribute Calico uses: handles {@code ipip-tunnel-addr-<node>},
 * {@code vxlan-tunnel-addr-<node>} and {@code wireguard-tunnel-addr-<node>}.
 */
public enum TunnelAddressType {
    IPIP("ipip-tunnel-addr-", "ipipTunnelAddress"),
    VXLAN("vxlan-tunnel-addr-", "vxlanTunnelAddress"),
    WIREGUARD("wireguard-tunnel-addr-", "wireguardTunnelAddress");

    private final String handlePrefix;
    private final String attributeType;

    TunnelAddressType(String handlePrefix, String attributeType) {
        this.handlePrefix = handlePrefix;
        this.attributeType = attributeType;
    }

    /** The handle Calico records the node's tunnel address under. */
    public String handleFor(String node) {
        return handlePrefix + node;
    }

    /** The value of the allocation's {@code type} attribute. */
    public String attributeType() {
        return attributeType;
    }

    public Map<String, String> attributesFor(String node) {
        return Map.of(AutoAssignRequest.ATTRIBUTE_NODE, node, AutoAssignRequest.ATTRIBUTE_TYPE, attributeType);
    }

    /** The tunnel type an allocation's {@code type} attribute names, if it names one. */
    public static java.util.Optional<TunnelAddressType> ofAttribute(String type) {
        for (TunnelAddressType t : values()) {
            if (t.attributeType.equals(type)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }
}
