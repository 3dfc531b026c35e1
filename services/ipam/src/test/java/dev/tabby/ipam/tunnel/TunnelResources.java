package dev.tabby.ipam.tunnel;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;

/** Pools and nodes for the tunnel-address tests, written as an operator would (YAML through the codec). */
final class TunnelResources {
    private TunnelResources() {
    }

    /**
     * A /26-block pool.
     *
     * @param modes  the pool's mode lines, e.g. {@code "ipipMode: Always"}, {@code "disabled: true"},
     *               {@code "nodeSelector: \"tier == 'gold'\""}
     */
    static IPPool pool(String name, String cidr, String... modes) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n  cidr: ").append(cidr).append("\n  blockSize: 26\n");
        for (String m : modes) {
            y.append("  ").append(m).append('\n');
        }
        return (IPPool) ResourceCodec.read(y.toString()).resources().get(0);
    }

    /**
     * A node.
     *
     * @param labels  a YAML flow map's inside, e.g. {@code "tier: gold"}, or null
     * @param spec    the spec's lines at two spaces' indent, e.g. {@code "bgp: {ipv4Address: 10.0.0.1/24}"}
     */
    static Node node(String name, String labels, String... spec) {
        StringBuilder y = new StringBuilder("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: ").append(name)
                .append('\n');
        if (labels != null) {
            y.append("  labels: {").append(labels).append("}\n");
        }
        y.append("spec:\n");
        for (String line : spec) {
            y.append("  ").append(line).append('\n');
        }
        if (spec.length == 0) {
            y.append("  {}\n");
        }
        return (Node) ResourceCodec.read(y.toString()).resources().get(0);
    }
}
