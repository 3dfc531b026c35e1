package dev.tabby.vxlan.plan;

import static dev.tabby.vxlan.testing.Resources.felix;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.model.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class FelixSettingsTest {
    static HostLink link(String name, int mtu) {
        return new HostLink(1, name, mtu, List.<IpAddress>of());
    }

    @Test
    void defaultsAreCalicos() {
        FelixSettings s = FelixSettings.merge(null, null);
        assertEquals(4096, s.vxlanVni());
        assertEquals(4789, s.vxlanPort());
        assertEquals(0, s.vxlanMtu());
        assertEquals(FelixSettings.DEFAULT_MTU_IFACE_PATTERN, s.mtuIfacePattern());
    }

    @Test
    void aNodesSettingWinsFieldByField() {
        FelixSettings s = FelixSettings.merge(felix("default", "vxlanVNI: 7", "vxlanPort: 5000"),
                felix("node.a", "vxlanPort: 6000"));
        assertEquals(7, s.vxlanVni());
        assertEquals(6000, s.vxlanPort());
    }

    @Test
    void portZeroIsUnset() {
        assertEquals(4789, FelixSettings.merge(felix("default", "vxlanPort: 0"), null).vxlanPort());
    }

    @Test
    void mtuIsTheSmallestMatchingInterfaceMinusFifty() {
        FelixSettings s = FelixSettings.DEFAULTS;
        List<HostLink> links = List.of(link("lo", 65536), link("eth0", 1500), link("ens3", 1400), link("eth1", 9000),
                link("cali12345", 1300), link("vxlan.calico", 1200), link("docker0", 1000));
        assertEquals(1350, s.deviceMtu(links));
    }

    @Test
    void withNoMatchingInterfaceFelixAssumesAHostMtuOf1460() {
        // int_dataplane.go findHostMTU: "Default the MTU of the host to 1460".
        List<HostLink> links = List.of(link("lo", 65536), link("veth0", 9000));
        assertEquals(1460, FelixSettings.DEFAULTS.hostMtu(links));
        assertEquals(1410, FelixSettings.DEFAULTS.deviceMtu(links));
    }

    @Test
    void vxlanEnabledIsUnsetUnlessSaidAndTheNodeWins() {
        assertEquals(null, FelixSettings.merge(null, null).vxlanEnabled());
        assertEquals(false, FelixSettings.merge(felix("default", "vxlanEnabled: true"), null).disabled());
        assertEquals(true, FelixSettings.merge(felix("default", "vxlanEnabled: false"), null).disabled());
        assertEquals(false, FelixSettings.merge(felix("default", "vxlanEnabled: false"),
                felix("node.a", "vxlanEnabled: true")).disabled());
        assertEquals(true, FelixSettings.merge(felix("default", "vxlanEnabled: true"),
                felix("node.a", "vxlanEnabled: false")).disabled());
    }

    @Test
    void theConfiguredMtuWins() {
        FelixSettings s = FelixSettings.merge(felix("default", "vxlanMTU: 1410"), null);
        assertEquals(1410, s.deviceMtu(List.of(link("eth0", 1500))));
    }

    @Test
    void theInterfacePatternIsConfigurable() {
        FelixSettings s = FelixSettings.merge(felix("default", "mtuIfacePattern: '^bond'"), null);
        assertEquals(8950, s.deviceMtu(List.of(link("eth0", 1500), link("bond0", 9000))));
    }
}
