package dev.tabby.testbed.routers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option a {@link RouterConfig} has, rendered for each daemon and checked by the daemon itself (bird -p,
 * gobgpd --dry-run, bgpd --dryrun): a configuration the daemon would refuse fails here, not at a testbed's start.
 */
class RouterConfigTest {
    private static final RouterConfig EVERYTHING = RouterConfig.of("10.250.0.1", 65001)
            .withListenAddresses(List.of("10.250.0.1", "fd00:250::1"))
            .withNeighbour(Neighbour.of("10.250.0.2", 65002).withPassword("s3cret").asPassive())
            .withNeighbour(Neighbour.of("10.250.0.3", 65001).asRouteReflectorClient())
            .withNeighbour(Neighbour.of("10.9.0.4", 65004).withMultihop(4))
            .withNeighbour(Neighbour.of("fd00:250::5", 65005))
            .withPrefixes(List.of("10.11.0.0/24", "fd00:11::/64"))
            .withGracefulRestart(false).withHoldTime(30).withIpv6NextHop("fd00:250::1");

    @TempDir
    Path dir;

    @Test
    void birdAcceptsItsConfiguration() throws IOException {
        Path a4 = dir.resolve("announce4.conf");
        Path a6 = dir.resolve("announce6.conf");
        Files.writeString(a4, BirdConfig.announcements(List.of("10.11.0.0/24")));
        Files.writeString(a6, BirdConfig.announcements(List.of("fd00:11::/64")));
        for (RouterConfig c : List.of(EVERYTHING, EVERYTHING.withListenAddresses(List.of()).withInstallRoutes(true)
                .withGracefulRestart(true))) {
            Path conf = dir.resolve("bird.conf");
            Files.writeString(conf, BirdConfig.main(c, a4, a6));
            Cli.Result r = Cli.run(Binaries.require("bird", "bird2").toString(), "-p", "-c", conf.toString());
            assertEquals(0, r.exitCode(), r.err() + r.out() + "\n" + Files.readString(conf));
        }
    }

    @Test
    void gobgpdAcceptsItsConfiguration() throws IOException {
        Path conf = dir.resolve("gobgpd.toml");
        Files.writeString(conf, GobgpConfig.toml(EVERYTHING));
        Cli.Result r = Cli.run(Binaries.require("gobgpd", "gobgpd").toString(), "-f", conf.toString(), "-t", "toml",
                "--dry-run");
        assertEquals(0, r.exitCode(), r.err() + r.out() + "\n" + Files.readString(conf));
    }

    @Test
    void bgpdAcceptsItsConfiguration() throws IOException {
        Path conf = dir.resolve("bgpd.conf");
        Files.writeString(conf, FrrConfig.bgpd(EVERYTHING));
        Cli.Result r = Cli.run(Binaries.require("/usr/lib/frr/bgpd", "frr").toString(), "-C", "-S", "-f",
                conf.toString()); // -S: stay root, the frr user cannot read the test's temp dir
        assertEquals(0, r.exitCode(), r.err() + r.out() + "\n" + Files.readString(conf));
        // bgpd --dryrun exits 0 even on a line it does not know; it logs the line with an error code instead.
        String said = r.err() + r.out();
        assertTrue(!said.contains("[EC ") && !said.contains("No such command"), "bgpd refused a line: " + said
                + "\n" + Files.readString(conf));
    }

    @Test
    void aMissingProgramNamesThePackageToInstall() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Binaries.require("tabby-no-such-router", "bird2"));
        assertEquals("tabby-no-such-router is not installed: run bin/tabby test or apt-get install bird2", e.getMessage());
    }

    @Test
    void badValuesAreRefusedWithTheirReason() {
        assertEquals("router id fd00::1 must be an IPv4 address", assertThrows(IllegalArgumentException.class,
                () -> RouterConfig.of("fd00::1", 65001)).getMessage());
        assertEquals("hold time 2 s is not allowed: 0 or 3..65535 (RFC 4271)", assertThrows(
                IllegalArgumentException.class, () -> RouterConfig.of("10.0.0.1", 65001).withHoldTime(2)).getMessage());
        assertEquals("neighbour 10.0.0.2: MD5 password must be 1..80 printable ASCII characters without spaces or quotes",
                assertThrows(IllegalArgumentException.class,
                        () -> Neighbour.of("10.0.0.2", 65002).withPassword("has space")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RouterConfig.of("10.0.0.1", 0));
        assertEquals(List.of("10.1.0.0/16", "fd00:1::/64"), RouterConfig.of("10.0.0.1", 65001)
                .withPrefixes(List.of("10.1.2.3/16", "fd00:1:0:0::/64")).prefixes());
        assertEquals(RouterKind.FRR, RouterKind.parse("frr"));
        assertEquals("unknown router \"quagga\": use bird, gobgp or frr",
                assertThrows(IllegalArgumentException.class, () -> RouterKind.parse("quagga")).getMessage());
    }

    @Test
    void gobgpCannotInstallKernelRoutes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GobgpRouter()
                .start("tabby-t-unused", RouterConfig.of("10.0.0.1", 65001).withInstallRoutes(true), dir));
        assertTrue(e.getMessage().startsWith("gobgpd cannot install routes into the kernel"), e.getMessage());
    }
}
