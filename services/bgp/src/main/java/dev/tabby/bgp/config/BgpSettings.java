package dev.tabby.bgp.config;

/**
 * The cluster-wide BGPConfiguration "default" fields that decide sessions. Calico's defaults: AS 64512
 * (confd client.go's default /global/as_num) and the node-to-node mesh on.
 */
public record BgpSettings(long asNumber, boolean nodeToNodeMeshEnabled, Integer listenPort) {
    public static final long DEFAULT_AS = 64512;

    public static BgpSettings defaults() {
        return new BgpSettings(DEFAULT_AS, true, null);
    }
}
