package dev.tabby.probe.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.checks.NmConfig.DeviceSpec;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.testing.FixtureHost;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NmConfigTest {
    @TempDir
    Path tmp;

    private static boolean matches(String list, String name, String type) {
        return DeviceSpec.matches(DeviceSpec.split(list), name, type);
    }

    @Test
    void deviceListFormat() {
        assertTrue(matches("interface-name:cali*", "cali1234567890a", "veth"));
        assertTrue(matches("interface-name:~cali?234567890a", "cali1234567890a", "veth"));
        assertFalse(matches("interface-name:=cali*", "cali1234567890a", "veth"), "= turns globbing off");
        assertTrue(matches("interface-name:=cali*", "cali*", "veth"));
        assertTrue(matches("tunl0", "tunl0", "ip-tunnel"), "a bare entry is a literal name");
        assertFalse(matches("tunl*", "tunl0", "ip-tunnel"), "bare entries do not glob");
        assertFalse(matches("00:11:22:33:44:55", "tunl0", "ip-tunnel"), "a bare MAC is not a name");
        assertFalse(matches("mac:00:11:22:33:44:55;driver:veth", "cali1", "veth"));
        assertTrue(matches("type:vxlan", "vxlan.calico", "vxlan"));
        assertTrue(matches("*", "anything", "x"));
        assertFalse(matches("", "anything", "x"));
    }

    @Test
    void exceptWinsAndOnlyNegativesMeanAllButThose() {
        assertFalse(matches("interface-name:cali*,except:interface-name:cali1*", "cali1234567890a", "veth"));
        assertTrue(matches("interface-name:cali*,except:interface-name:cali1*", "calia0b1c2d3e4f", "veth"));
        assertTrue(matches("except:interface-name:eth0", "tunl0", "ip-tunnel"));
        assertFalse(matches("except:interface-name:eth0", "eth0", "ethernet"));
    }

    @Test
    void separatorsEscapesAndWhitespace() {
        assertEquals(List.of("interface-name:a", "interface-name:b c", "interface-name:d;e"),
                DeviceSpec.split(" interface-name:a , interface-name:b\\sc;interface-name:d\\;e "));
    }

    @Test
    void filesAreReadInNetworkManagersOrderWithShadowingAndListEdits() {
        FixtureHost h = FixtureHost.at(tmp.resolve("nm"))
                .file("/usr/lib/NetworkManager/conf.d/10-vendor.conf", "[keyfile]\nunmanaged-devices=interface-name:vendor0\n")
                .file("/usr/lib/NetworkManager/conf.d/20-shadowed.conf", "[keyfile]\nunmanaged-devices+=interface-name:cali*\n")
                .file("/etc/NetworkManager/conf.d/20-shadowed.conf", "# emptied by the admin\n")
                .file("/run/NetworkManager/conf.d/30-run.conf", "[keyfile]\nunmanaged-devices+=interface-name:tunl*\n")
                .file("/etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=keyfile\n")
                .file("/etc/NetworkManager/conf.d/40-edit.conf",
                        "[keyfile]\nunmanaged-devices-=interface-name:vendor0\nunmanaged-devices+=interface-name:vxlan.calico\n")
                .file("/etc/NetworkManager/conf.d/README", "not a .conf file\n[keyfile]\nunmanaged-devices=*\n");

        NmConfig c = NmConfig.read(HostRoot.at(h.root()));

        assertEquals(List.of("interface-name:tunl*", "interface-name:vxlan.calico"), c.unmanagedDevices());
        assertEquals(List.of(h.path("/usr/lib/NetworkManager/conf.d/10-vendor.conf").toString(),
                h.path("/run/NetworkManager/conf.d/30-run.conf").toString(),
                h.path("/etc/NetworkManager/NetworkManager.conf").toString(),
                h.path("/etc/NetworkManager/conf.d/20-shadowed.conf").toString(),
                h.path("/etc/NetworkManager/conf.d/40-edit.conf").toString()), c.files());
        assertTrue(c.unmanagedBy("cali1234567890a", "veth").isEmpty(), "the /usr/lib file adding cali* is shadowed");
        assertTrue(c.unmanagedBy("tunl0", "ip-tunnel").isPresent());
    }

    @Test
    void theRemedyEditsAConfDFileThatWouldOverrideTheDropIn() {
        FixtureHost late = FixtureHost.at(tmp.resolve("late"))
                .file("/etc/NetworkManager/conf.d/local.conf", "[keyfile]\nunmanaged-devices=interface-name:docker0\n");
        assertEquals("in /etc/NetworkManager/conf.d/local.conf (read after /etc/NetworkManager/conf.d/calico.conf would "
                + "be), set under [keyfile]:\nunmanaged-devices=interface-name:docker0;interface-name:cali*;"
                + "interface-name:tunl*;interface-name:vxlan.calico\nthen run: systemctl reload NetworkManager",
                NetworkManagerCheck.nmRemedy(NmConfig.read(HostRoot.at(late.root()))));
        FixtureHost early = FixtureHost.at(tmp.resolve("early"))
                .file("/etc/NetworkManager/conf.d/99-local.conf", "[keyfile]\nunmanaged-devices=interface-name:docker0\n");
        assertTrue(NetworkManagerCheck.nmRemedy(NmConfig.read(HostRoot.at(early.root())))
                .startsWith("create /etc/NetworkManager/conf.d/calico.conf containing:\n[keyfile]\n"
                        + "unmanaged-devices=interface-name:docker0;interface-name:cali*;"));
    }

    @Test
    void deviceSectionsWithManagedFalse() {
        FixtureHost h = FixtureHost.at(tmp.resolve("device"))
                .file("/etc/NetworkManager/NetworkManager.conf", """
                        [device-calico]
                        match-device=interface-name:cali*;interface-name:vxlan.calico
                        managed=0

                        [device-rest]
                        managed=1
                        """);
        NmConfig c = NmConfig.read(HostRoot.at(h.root()));
        assertEquals("[device-calico] managed=0 in " + h.path("/etc/NetworkManager/NetworkManager.conf"),
                c.unmanagedBy("cali1234567890a", "veth").orElseThrow());
        assertTrue(c.unmanagedBy("tunl0", "ip-tunnel").isEmpty(), "[device-rest] matches first for tunl0 and manages it");
    }
}
