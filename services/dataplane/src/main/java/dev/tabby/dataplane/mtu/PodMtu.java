package dev.tabby.dataplane.mtu;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The MTU for workloads' interfaces, as Felix v3.18 determines it (dataplane/linux/int_dataplane.go,
 * {@code determinePodMTU}): the smallest MTU among the enabled encapsulations, else the host MTU. vxlan-manager and
 * ipip-manager each compute it from the same datastore, so both write the same number to the one MTU file.
 */
public final class PodMtu {
    /** Outer IPv4 header: what IP-in-IP adds (Felix defaults ipipMTU to the host MTU minus 20). */
    public static final int IPIP_OVERHEAD = 20;
    /** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) (Felix defaults vxlanMTU to the host MTU minus 50). */
    public static final int VXLAN_OVERHEAD = 50;
    /**
     * The host MTU Felix assumes when no interface matches {@code mtuIfacePattern}: "the smallest among common cloud
     * providers" (int_dataplane.go, findHostMTU).
     */
    public static final int FALLBACK_HOST_MTU = 1460;
    /** Felix v3.18's default {@code mtuIfacePattern}: the host's physical-looking interfaces, never workload ones. */
    public static final String DEFAULT_MTU_IFACE_PATTERN = "^((en|wl|ww|sl|ib)[opsx].*|(eth|wlan|wwan).*)";

    private PodMtu() {
    }

    /**
     * The host MTU: the smallest MTU among the interfaces whose name matches {@code mtuIfacePattern}, with none matching
     * {@link #FALLBACK_HOST_MTU} (int_dataplane.go findHostMTU). The overlay's own device never counts.
     *
     * @param mtuByInterface  the host's interfaces and their MTUs
     * @param ownDevice       the calling overlay's device (vxlan.calico, tunl0)
     */
    public static int hostMtu(Map<String, Integer> mtuByInterface, Pattern mtuIfacePattern, String ownDevice) {
        int smallest = 0;
        for (Map.Entry<String, Integer> e : mtuByInterface.entrySet()) {
            int mtu = e.getValue();
            if (mtu <= 0 || e.getKey().equals(ownDevice) || !mtuIfacePattern.matcher(e.getKey()).find()) {
                continue;
            }
            if (smallest == 0 || mtu < smallest) {
                smallest = mtu;
            }
        }
        return smallest == 0 ? FALLBACK_HOST_MTU : smallest;
    }

    /** {@code mtuIfacePattern}, compiled; Felix's default when it does not compile (the model refuses such on write). */
    public static Pattern pattern(String mtuIfacePattern) {
        try {
            return Pattern.compile(mtuIfacePattern == null || mtuIfacePattern.isBlank() ? DEFAULT_MTU_IFACE_PATTERN
                    : mtuIfacePattern);
        } catch (PatternSyntaxException e) {
            return Pattern.compile(DEFAULT_MTU_IFACE_PATTERN);
        }
    }

    /**
     * @param hostMtu       the host MTU (smallest matching interface, or {@link #FALLBACK_HOST_MTU})
     * @param ipipEnabled   IP-in-IP is in use (a pool asks for it and FelixConfiguration does not switch it off)
     * @param ipipMtu       {@code ipipMTU}, 0 when unset
     * @param vxlanEnabled  VXLAN is in use, likewise
     * @param vxlanMtu      {@code vxlanMTU}, 0 when unset
     */
    public static int of(int hostMtu, boolean ipipEnabled, int ipipMtu, boolean vxlanEnabled, int vxlanMtu) {
        int mtu = 0;
        if (ipipEnabled) {
            mtu = ipipMtu > 0 ? ipipMtu : hostMtu - IPIP_OVERHEAD;
        }
        if (vxlanEnabled) {
            int v = vxlanMtu > 0 ? vxlanMtu : hostMtu - VXLAN_OVERHEAD;
            mtu = mtu == 0 ? v : Math.min(mtu, v);
        }
        return mtu == 0 ? hostMtu : mtu;
    }
}
