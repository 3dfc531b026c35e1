package dev.tabby.vxlan.testing;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;

/** Calico resources for tests, written as an operator would (YAML through the codec, so validated and defaulted). */
public final class Resources {
    private Resources() {
    }

    public static IPPool pool(String name, String cidr, String vxlanMode) {
        return pool(name, cidr, vxlanMode, null, false);
    }

    public static IPPool pool(String name, String cidr, String vxlanMode, String nodeSelector, boolean disabled) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n  cidr: ").append(cidr).append("\n  blockSize: 26\n");
        if (vxlanMode != null) {
            y.append("  vxlanMode: ").append(vxlanMode).append('\n');
        }
        if (nodeSelector != null) {
            y.append("  nodeSelector: \"").append(nodeSelector).append("\"\n");
        }
        if (disabled) {
            y.append("  disabled: true\n");
        }
        return (IPPool) one(y.toString());
    }

    /** A node; any argument may be null to leave the field out. */
    public static Node node(String name, String ipv4Address, String tunnelAddress, String mac) {
        return node(name, ipv4Address, tunnelAddress, mac, null);
    }

    public static Node node(String name, String ipv4Address, String tunnelAddress, String mac, String labels) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: ").append(name)
                .append('\n');
        if (labels != null) {
            y.append("  labels: {").append(labels).append("}\n");
        }
        y.append("spec:\n");
        if (ipv4Address != null) {
            y.append("  bgp:\n    ipv4Address: ").append(ipv4Address).append('\n');
        }
        if (tunnelAddress != null) {
            y.append("  ipv4VXLANTunnelAddr: ").append(tunnelAddress).append('\n');
        }
        if (mac != null) {
            y.append("  vxlanTunnelMACAddr: '").append(mac).append("'\n");
        }
        if (ipv4Address == null && tunnelAddress == null && mac == null) {
            y.append("  {}\n");
        }
        return (Node) one(y.toString());
    }

    /** A FelixConfiguration with the given spec lines, e.g. {@code "vxlanMTU: 1400"}. */
    public static FelixConfiguration felix(String name, String... specLines) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n");
        for (String line : specLines) {
            y.append("  ").append(line).append('\n');
        }
        if (specLines.length == 0) {
            y.append("  {}\n");
        }
        return (FelixConfiguration) one(y.toString());
    }

    private static Resource one(String yaml) {
        return ResourceCodec.read(yaml).resources().get(0);
    }
}
