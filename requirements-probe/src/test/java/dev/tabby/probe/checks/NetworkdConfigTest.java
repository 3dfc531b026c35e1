package dev.tabby.probe.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.checks.NetworkdConfig.Device;
import dev.tabby.probe.checks.NetworkdConfig.NetworkFile;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.testing.FixtureHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkdConfigTest {
    private static final Device CALI = new Device("cali1234567890a", "ether", "veth", "veth");
    private static final Device TUNL = new Device("tunl0", "tunnel", "ipip", "ipip");

    @TempDir
    Path tmp;

    private static NetworkFile file(String content) {
        return NetworkdConfig.parse("x.network", "/etc/systemd/network/x.network", content);
    }

    @Test
    void nameIsAGlobListAndALeadingBangInvertsIt() {
        assertTrue(file("[Match]\nName=e* cali*\n").matches(CALI));
        assertFalse(file("[Match]\nName=e* cali*\n").matches(TUNL));
        assertTrue(file("[Match]\nName=!eth* en*\n").matches(TUNL));
        assertFalse(file("[Match]\nName=!cali*\n").matches(CALI));
        assertTrue(file("[Match]\nName=eth0\nName=tunl[0-9]\n").matches(TUNL), "Name= lines add up");
        assertTrue(file("[Match]\nName=eth0\nName=\n").matches(TUNL), "an empty Name= resets the list");
        assertTrue(file("[Network]\nDHCP=yes\n").matches(CALI), "no [Match] condition matches every link");
    }

    @Test
    void otherConditionsAreWeighed() {
        assertFalse(file("[Match]\nName=*\nMACAddress=00:11:22:33:44:55\n").matches(CALI));
        assertFalse(file("[Match]\nType=wlan\n").matches(CALI));
        assertTrue(file("[Match]\nType=ether\n").matches(CALI));
        assertTrue(file("[Match]\nName=cali*\nDriver=veth\n").matches(CALI));
        assertFalse(file("[Match]\nName=*\nKind=!ipip\n").matches(TUNL));
        NetworkFile host = file("[Match]\nName=*\nVirtualization=container\n");
        assertTrue(host.matches(CALI));
        assertEquals("[Virtualization=container]", host.assumedConditions().toString());
    }

    @Test
    void firstFileInNameOrderWinsAcrossDirectoriesAndMasksCount() {
        FixtureHost h = FixtureHost.at(tmp.resolve("nd"))
                .file("/usr/lib/systemd/network/10-all.network", "[Match]\nName=*\n")
                .symlink("/etc/systemd/network/10-all.network", "/dev/null")
                .file("/run/systemd/network/20-tabby.network", "[Match]\nName=cali* tunl*\n[Link]\nUnmanaged=yes\n")
                .file("/etc/systemd/network/30-cali.network", "[Match]\nName=cali*\n")
                .file("/etc/systemd/network/05-empty.network", "");
        NetworkdConfig nd = NetworkdConfig.read(HostRoot.at(h.root()));
        assertEquals(2, nd.files().size());
        NetworkFile first = nd.fileFor(CALI).orElseThrow();
        assertEquals("20-tabby.network", first.name());
        assertTrue(first.unmanaged());
        FixtureHost masked = FixtureHost.at(tmp.resolve("nd2")).file("/etc/systemd/network/00-all.network", "");
        assertEquals("/etc/systemd/network/00-calico.network",
                NetworkManagerCheck.networkdDropIn(NetworkdConfig.read(HostRoot.at(masked.root()))),
                "an empty file is masked and does not count");
        FixtureHost early = FixtureHost.at(tmp.resolve("nd3")).file("/etc/systemd/network/00-all.network",
                "[Match]\nName=*\n");
        assertEquals("/etc/systemd/network/0-calico.network",
                NetworkManagerCheck.networkdDropIn(NetworkdConfig.read(HostRoot.at(early.root()))),
                "0-calico.network sorts before 00-all.network");
    }
}
