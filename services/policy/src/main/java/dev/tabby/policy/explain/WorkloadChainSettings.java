package dev.tabby.policy.explain;

import dev.tabby.model.v3.FelixConfiguration;

/**
 * The FelixConfiguration settings that act around a workload's policy: Felix drops VXLAN (UDP to {@code vxlanPort})
 * and IP-in-IP (protocol 4) packets that a workload sends unless allowed (felix rules/endpoints.go
 * endpointIptablesChain), and what egress policy allows towards the workload's own host then meets
 * {@code defaultEndpointToHostAction} (rules/static.go filterWorkloadToHostChain); defaults from config_params.go.
 *
 * @param defaultEndpointToHostAction Drop, Accept or Return
 */
public record WorkloadChainSettings(int vxlanPort, boolean allowVxlanPacketsFromWorkloads,
                                    boolean allowIpipPacketsFromWorkloads, String defaultEndpointToHostAction) {

    public static final WorkloadChainSettings DEFAULTS = new WorkloadChainSettings(4789, false, false, "Drop");

    public WorkloadChainSettings(int vxlanPort, boolean allowVxlanPacketsFromWorkloads,
                                 boolean allowIpipPacketsFromWorkloads) {
        this(vxlanPort, allowVxlanPacketsFromWorkloads, allowIpipPacketsFromWorkloads, "Drop");
    }

    /**
     * Felix's precedence: the node's own {@code node.<name>} FelixConfiguration over the cluster's {@code default},
     * field by field, then Felix's defaults. Either may be null.
     */
    public static WorkloadChainSettings of(FelixConfiguration node, FelixConfiguration cluster) {
        FelixConfiguration.Spec n = node == null ? null : node.spec();
        FelixConfiguration.Spec c = cluster == null ? null : cluster.spec();
        Integer port = first(n == null ? null : n.vxlanPort(), c == null ? null : c.vxlanPort());
        Boolean vxlan = first(n == null ? null : n.allowVXLANPacketsFromWorkloads(),
                c == null ? null : c.allowVXLANPacketsFromWorkloads());
        Boolean ipip = first(n == null ? null : n.allowIPIPPacketsFromWorkloads(),
                c == null ? null : c.allowIPIPPacketsFromWorkloads());
        String toHost = first(n == null ? null : n.defaultEndpointToHostAction(),
                c == null ? null : c.defaultEndpointToHostAction());
        return new WorkloadChainSettings(port == null || port == 0 ? DEFAULTS.vxlanPort : port,
                Boolean.TRUE.equals(vxlan), Boolean.TRUE.equals(ipip),
                toHost == null || toHost.isEmpty() ? "Drop" : toHost);
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
