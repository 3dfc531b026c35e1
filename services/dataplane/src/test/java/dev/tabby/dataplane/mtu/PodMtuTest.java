package dev.tabby.dataplane.mtu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Felix v3.18's workload MTU, dataplane/linux/int_dataplane.go: an unset IPIPMTU / VXLANMTU defaults to the host MTU
 * minus 20 / 50 (NewIntDataplaneDriver, "Default any MTU configurations that have not been set"), then
 * {@code determinePodMTU} takes the smallest among the enabled encapsulations, or the host MTU when none is enabled.
 * Wireguard (host - 60) is not modelled: Tabby has none.
 */
class PodMtuTest {

    @Test
    void withNoEncapsulationItIsTheHostMtu() {
        // "No enabled encapsulation. Just use the host MTU."
        assertEquals(1500, PodMtu.of(1500, false, 0, false, 0));
        assertEquals(9001, PodMtu.of(9001, false, 0, false, 0));
    }

    @Test
    void unsetEncapsulationMtusFollowTheHostMtu() {
        assertEquals(1480, PodMtu.of(1500, true, 0, false, 0));
        assertEquals(1450, PodMtu.of(1500, false, 0, true, 0));
        assertEquals(8981, PodMtu.of(9001, true, 0, false, 0));
        assertEquals(8951, PodMtu.of(9001, false, 0, true, 0));
    }

    @Test
    void withBothEnabledTheSmallerWins() {
        assertEquals(1450, PodMtu.of(1500, true, 0, true, 0));
        assertEquals(1400, PodMtu.of(1500, true, 1400, true, 0));
        assertEquals(1300, PodMtu.of(1500, true, 1400, true, 1300));
    }

    @Test
    void aDisabledEncapsulationsMtuIsIgnoredEvenWhenSmaller() {
        // determinePodMTU: "if s.enabled && ..." — Felix defaults the MTUs of disabled encaps too, then skips them.
        assertEquals(1450, PodMtu.of(1500, false, 1000, true, 0));
        assertEquals(1480, PodMtu.of(1500, true, 0, false, 1000));
        assertEquals(1500, PodMtu.of(1500, false, 1000, false, 1000));
    }

    @Test
    void aConfiguredMtuLargerThanTheHostsIsStillUsed() {
        // Felix only warns: "Configured MTU is larger than detected host interface MTU".
        assertEquals(9000, PodMtu.of(1500, true, 9000, false, 0));
        assertEquals(1450, PodMtu.of(1500, true, 9000, true, 0));
    }

    @Test
    void theConstantsAreFelixs() {
        assertEquals(20, PodMtu.IPIP_OVERHEAD);   // config.IPIPMTU = mtu - 20
        assertEquals(50, PodMtu.VXLAN_OVERHEAD);  // config.VXLANMTU = mtu - 50
        assertEquals(1460, PodMtu.FALLBACK_HOST_MTU); // findHostMTU: "Default the MTU of the host to 1460"
        // With no matching interface the host MTU is 1460, so IP-in-IP gets 1440 and VXLAN 1410.
        assertEquals(1440, PodMtu.of(PodMtu.FALLBACK_HOST_MTU, true, 0, false, 0));
        assertEquals(1410, PodMtu.of(PodMtu.FALLBACK_HOST_MTU, true, 0, true, 0));
    }
}
