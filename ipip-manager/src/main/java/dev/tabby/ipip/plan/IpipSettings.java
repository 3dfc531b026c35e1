package dev.tabby.ipip.plan;

import dev.tabby.dataplane.mtu.PodMtu;
import dev.tabby.model.v3.FelixConfiguration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The FelixConfiguration fields ipip-manager reads, merged as Felix merges them: {@code node.<nodename>} over
 * {@code default} over Felix's built-in default.
 *
 * @param ipipEnabled      {@code ipipEnabled}; null when set nowhere. Felix v3.18 defaults it to false and calico-node
 *                         turns it on when an IP-in-IP pool exists; Tabby reads unset as "when a pool asks for it",
 *                         and only an explicit false switches IP-in-IP off (as vxlan-manager reads vxlanEnabled)
 * @param ipipMtu          {@code ipipMTU}; 0 (the default) means the host MTU minus 20
 * @param mtuIfacePattern  {@code mtuIfacePattern}: which host interfaces count for the host MTU
 * @param vxlanEnabled     {@code vxlanEnabled}, null when set nowhere: read only for the workload MTU
 * @param vxlanMtu         {@code vxlanMTU}, likewise
 */
public record IpipSettings(Boolean ipipEnabled, int ipipMtu, String mtuIfacePattern, Boolean vxlanEnabled, int vxlanMtu) {
    public static final String DEFAULT_MTU_IFACE_PATTERN = PodMtu.DEFAULT_MTU_IFACE_PATTERN;

    public static final IpipSettings DEFAULTS = new IpipSettings(null, 0, DEFAULT_MTU_IFACE_PATTERN, null, 0);

    /** Either argument may be null (not in the datastore). */
    public static IpipSettings merge(FelixConfiguration clusterDefault, FelixConfiguration thisNode) {
        FelixConfiguration.Spec global = clusterDefault == null ? null : clusterDefault.spec();
        FelixConfiguration.Spec node = thisNode == null ? null : thisNode.spec();
        Integer ipipMtu = pick(node, global, FelixConfiguration.Spec::ipipMTU);
        Integer vxlanMtu = pick(node, global, FelixConfiguration.Spec::vxlanMTU);
        String pattern = pick(node, global, FelixConfiguration.Spec::mtuIfacePattern);
        return new IpipSettings(pick(node, global, FelixConfiguration.Spec::ipipEnabled), ipipMtu == null ? 0 : ipipMtu,
                pattern == null || pattern.isBlank() ? DEFAULT_MTU_IFACE_PATTERN : pattern,
                pick(node, global, FelixConfiguration.Spec::vxlanEnabled), vxlanMtu == null ? 0 : vxlanMtu);
    }

    private static <T> T pick(FelixConfiguration.Spec node, FelixConfiguration.Spec global,
            Function<FelixConfiguration.Spec, T> field) {
        T v = node == null ? null : field.apply(node);
        if (v == null && global != null) {
            v = field.apply(global);
        }
        return v;
    }

    /** IP-in-IP is switched off on purpose: {@code ipipEnabled: false}, on this node's FelixConfiguration or the default. */
    public boolean disabled() {
        return Boolean.FALSE.equals(ipipEnabled);
    }

    /** tunl0's MTU: {@code ipipMTU} when set, else the host MTU minus 20 (Felix's int_dataplane.go). */
    public int deviceMtu(List<HostLink> links) {
        return ipipMtu > 0 ? ipipMtu : hostMtu(links) - PodMtu.IPIP_OVERHEAD;
    }

    /** The workload MTU ({@link PodMtu}): the smaller of tunl0's and vxlan.calico's while a VXLAN pool is in use too. */
    public int podMtu(List<HostLink> links, boolean vxlanPoolExists) {
        boolean vxlanInUse = vxlanPoolExists && !Boolean.FALSE.equals(vxlanEnabled);
        return PodMtu.of(hostMtu(links), true, ipipMtu, vxlanInUse, vxlanMtu);
    }

    /**
     * The smallest MTU among the host interfaces whose name matches {@code mtuIfacePattern}; with none matching,
     * Felix's fallback (int_dataplane.go findHostMTU). tunl0 never counts.
     */
    public int hostMtu(List<HostLink> links) {
        Map<String, Integer> mtus = new HashMap<>();
        links.forEach(l -> mtus.put(l.name(), l.mtu()));
        return PodMtu.hostMtu(mtus, compiledPattern(), TunnelSpec.NAME);
    }

    /** {@code mtuIfacePattern}, compiled; the default pattern when it does not compile. */
    public Pattern compiledPattern() {
        return PodMtu.pattern(mtuIfacePattern);
    }
}
