package dev.tabby.vxlan.plan;

import dev.tabby.dataplane.mtu.PodMtu;
import dev.tabby.model.v3.FelixConfiguration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The FelixConfiguration fields the VXLAN manager reads, merged as Felix merges them: a field set on
 * {@code node.<nodename>} wins over the cluster-wide {@code default}, which wins over Felix's built-in default.
 *
 * @param vxlanVni         {@code vxlanVNI}, default 4096
 * @param vxlanPort        {@code vxlanPort}, default 4789 (0 counts as unset: the kernel would pick 8472)
 * @param vxlanMtu         {@code vxlanMTU}; 0 (the default) means work it out from the host's interfaces
 * @param mtuIfacePattern  {@code mtuIfacePattern}: which host interfaces count for that
 * @param vxlanEnabled     {@code vxlanEnabled}; null when set nowhere. Felix v3.18 defaults it to false and is turned
 *                         on by calico-node when a VXLAN pool exists; Tabby reads unset as "when a pool asks for it",
 *                         and only an explicit false switches VXLAN off
 * @param ipipMtu          {@code ipipMTU}, 0 when unset: read only for the workload MTU, which is the smallest of
 *                         the overlays in use ({@link PodMtu})
 * @param ipipEnabled      {@code ipipEnabled}, null when set nowhere
 */
public record FelixSettings(int vxlanVni, int vxlanPort, int vxlanMtu, String mtuIfacePattern, Boolean vxlanEnabled,
                            int ipipMtu, Boolean ipipEnabled) {
    public static final int DEFAULT_VNI = 4096;
    public static final int DEFAULT_PORT = 4789;
    public static final String DEFAULT_MTU_IFACE_PATTERN = PodMtu.DEFAULT_MTU_IFACE_PATTERN;
    public static final int VXLAN_OVERHEAD = PodMtu.VXLAN_OVERHEAD;
    public static final int FALLBACK_HOST_MTU = PodMtu.FALLBACK_HOST_MTU;

    public static final FelixSettings DEFAULTS = new FelixSettings(DEFAULT_VNI, DEFAULT_PORT, 0, DEFAULT_MTU_IFACE_PATTERN,
            null, 0, null);

    /** Either argument may be null (not in the datastore). */
    public static FelixSettings merge(FelixConfiguration clusterDefault, FelixConfiguration thisNode) {
        FelixConfiguration.Spec global = clusterDefault == null ? null : clusterDefault.spec();
        FelixConfiguration.Spec node = thisNode == null ? null : thisNode.spec();
        Integer vni = pick(node, global, FelixConfiguration.Spec::vxlanVNI);
        Integer port = pick(node, global, FelixConfiguration.Spec::vxlanPort);
        Integer mtu = pick(node, global, FelixConfiguration.Spec::vxlanMTU);
        String pattern = pick(node, global, FelixConfiguration.Spec::mtuIfacePattern);
        Boolean enabled = pick(node, global, FelixConfiguration.Spec::vxlanEnabled);
        Integer ipipMtu = pick(node, global, FelixConfiguration.Spec::ipipMTU);
        Boolean ipipEnabled = pick(node, global, FelixConfiguration.Spec::ipipEnabled);
        return new FelixSettings(vni == null ? DEFAULT_VNI : vni,
                port == null || port == 0 ? DEFAULT_PORT : port,
                mtu == null ? 0 : mtu,
                pattern == null || pattern.isBlank() ? DEFAULT_MTU_IFACE_PATTERN : pattern,
                enabled, ipipMtu == null ? 0 : ipipMtu, ipipEnabled);
    }

    private static <T> T pick(FelixConfiguration.Spec node, FelixConfiguration.Spec global,
            Function<FelixConfiguration.Spec, T> field) {
        T v = node == null ? null : field.apply(node);
        if (v == null && global != null) {
            v = field.apply(global);
        }
        return v;
    }

    /** VXLAN is switched off on purpose: {@code vxlanEnabled: false}, on this node's FelixConfiguration or the default. */
    public boolean disabled() {
        return Boolean.FALSE.equals(vxlanEnabled);
    }

    /**
     * The MTU for vxlan.calico: {@code vxlanMTU} when set, else the {@link #hostMtu host MTU} minus the 50 bytes VXLAN
     * adds, as Felix's config works it out.
     */
    public int deviceMtu(List<HostLink> links) {
        return vxlanMtu > 0 ? vxlanMtu : hostMtu(links) - VXLAN_OVERHEAD;
    }

    /**
     * The workload MTU to publish while VXLAN is in use: {@link PodMtu}, the smaller of this device's MTU and
     * IP-in-IP's when an IP-in-IP pool is in use too, so vxlan-manager and ipip-manager write the same number.
     */
    public int podMtu(List<HostLink> links, boolean ipipPoolExists) {
        boolean ipipInUse = ipipPoolExists && !Boolean.FALSE.equals(ipipEnabled);
        return PodMtu.of(hostMtu(links), ipipInUse, ipipMtu, true, vxlanMtu);
    }

    /**
     * The smallest MTU among the host interfaces whose name matches {@code mtuIfacePattern}; with none matching,
     * Felix's {@link #FALLBACK_HOST_MTU} (int_dataplane.go findHostMTU). vxlan.calico itself never counts.
     */
    public int hostMtu(List<HostLink> links) {
        Map<String, Integer> mtus = new HashMap<>();
        links.forEach(l -> mtus.put(l.name(), l.mtu()));
        return PodMtu.hostMtu(mtus, compiledPattern(), DeviceSpec.NAME);
    }

    /** {@code mtuIfacePattern}, compiled; the default pattern when it does not compile. */
    public Pattern compiledPattern() {
        return PodMtu.pattern(mtuIfacePattern);
    }
}
