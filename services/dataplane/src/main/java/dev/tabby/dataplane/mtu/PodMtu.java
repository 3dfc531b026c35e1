package dev.tabby.dataplane.mtu;

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

    private PodMtu() {
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
