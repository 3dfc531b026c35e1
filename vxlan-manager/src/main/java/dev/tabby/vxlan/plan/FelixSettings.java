package dev.tabby.vxlan.plan;

import dev.tabby.model.v3.FelixConfiguration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The FelixConfiguration fields the VXLAN manager reads, merged as Felix merges them: a field set on
 * {@code node.<nodename>} wins over the cluster-wide {@code default}, which wins over Felix's built-in default.
 *
 * @param vxlanVni         {@code vxlanVNI}, default 4096
 * @param vxlanPort        {@code vxlanPort}, default 4789 (0 counts as unset: the kernel would pick 8472)
 * @param vxlanMtu         {@code vxlanMTU}; 0 (the default) means work it out from the host's interfaces
 * @param mtuIfacePattern  {@code mtuIfacePattern}: which host interfaces count for that
 */
public record FelixSettings(int vxlanVni, int vxlanPort, int vxlanMtu, String mtuIfacePattern) {
    public static final int DEFAULT_VNI = 4096;
    public static final int DEFAULT_PORT = 4789;
    /** Felix v3.18's default: the host's physical-looking interfaces, never workload ones. */
    public static final String DEFAULT_MTU_IFACE_PATTERN = "^((en|wl|ww|sl|ib)[opsx].*|(eth|wlan|wwan).*)";
    /** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14). */
    public static final int VXLAN_OVERHEAD = 50;
    /** What Felix assumes when no interface matches the pattern and nothing else is known. */
    static final int FALLBACK_HOST_MTU = 1500;

    public static final FelixSettings DEFAULTS = new FelixSettings(DEFAULT_VNI, DEFAULT_PORT, 0, DEFAULT_MTU_IFACE_PATTERN);

    /** Either argument may be null (not in the datastore). */
    public static FelixSettings merge(FelixConfiguration clusterDefault, FelixConfiguration thisNode) {
        FelixConfiguration.Spec global = clusterDefault == null ? null : clusterDefault.spec();
        FelixConfiguration.Spec node = thisNode == null ? null : thisNode.spec();
        Integer vni = pick(node, global, FelixConfiguration.Spec::vxlanVNI);
        Integer port = pick(node, global, FelixConfiguration.Spec::vxlanPort);
        Integer mtu = pick(node, global, FelixConfiguration.Spec::vxlanMTU);
        String pattern = pick(node, global, FelixConfiguration.Spec::mtuIfacePattern);
        return new FelixSettings(vni == null ? DEFAULT_VNI : vni,
                port == null || port == 0 ? DEFAULT_PORT : port,
                mtu == null ? 0 : mtu,
                pattern == null || pattern.isBlank() ? DEFAULT_MTU_IFACE_PATTERN : pattern);
    }

    private static <T> T pick(FelixConfiguration.Spec node, FelixConfiguration.Spec global,
            Function<FelixConfiguration.Spec, T> field) {
        T v = node == null ? null : field.apply(node);
        if (v == null && global != null) {
            v = field.apply(global);
        }
        return v;
    }

    /**
     * The MTU for vxlan.calico: {@code vxlanMTU} when set, else the smallest MTU among the host interfaces whose name
     * matches {@code mtuIfacePattern}, minus the 50 bytes VXLAN adds. With no matching interface, the parent's MTU
     * stands in for the host's (Felix would assume 1500; the parent is what the encapsulated packets really leave
     * through).
     *
     * @param parent the interface holding the node address, or null when unknown
     */
    public int deviceMtu(List<HostLink> links, HostLink parent) {
        if (vxlanMtu > 0) {
            return vxlanMtu;
        }
        Pattern pattern = compiledPattern();
        int smallest = 0;
        for (HostLink l : links) {
            if (l.mtu() <= 0 || l.name().equals(DeviceSpec.NAME) || !pattern.matcher(l.name()).find()) {
                continue;
            }
            if (smallest == 0 || l.mtu() < smallest) {
                smallest = l.mtu();
            }
        }
        if (smallest == 0) {
            smallest = parent != null && parent.mtu() > 0 ? parent.mtu() : FALLBACK_HOST_MTU;
        }
        return smallest - VXLAN_OVERHEAD;
    }

    private Pattern compiledPattern() {
        try {
            return Pattern.compile(mtuIfacePattern);
        } catch (PatternSyntaxException e) {
            // The model validates the pattern on write; an unreadable one falls back rather than stopping VXLAN.
            return Pattern.compile(DEFAULT_MTU_IFACE_PATTERN);
        }
    }
}
