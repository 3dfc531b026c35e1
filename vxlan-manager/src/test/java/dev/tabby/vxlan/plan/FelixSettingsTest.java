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
        assertEquals(1350, s.deviceMtu(links, null));
    }

    @Test
    void withNoMatchingInterfaceTheParentStandsIn() {
        List<HostLink> links = List.of(link("lo", 65536), link("veth0", 9000));
        assertEquals(8950, FelixSettings.DEFAULTS.deviceMtu(links, link("veth0", 9000)));
        assertEquals(1450, FelixSettings.DEFAULTS.deviceMtu(links, null));
    }

    @Test
    void theConfiguredMtuWins() {
        FelixSettings s = FelixSettings.merge(felix("default", "vxlanMTU: 1410"), null);
        assertEquals(1410, s.deviceMtu(List.of(link("eth0", 1500)), null));
    }

    @Test
    void theInterfacePatternIsConfigurable() {
        FelixSettings s = FelixSettings.merge(felix("default", "mtuIfacePattern: '^bond'"), null);
        assertEquals(8950, s.deviceMtu(List.of(link("eth0", 1500), link("bond0", 9000)), null));
    }
}
