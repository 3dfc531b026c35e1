package dev.tabby.probe.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.testing.FixtureHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostRootTest {
    @TempDir
    Path tmp;

    @Test
    void absoluteSymlinksStayInsideTheRoot() throws Exception {
        FixtureHost h = FixtureHost.at(tmp.resolve("root"))
                .file("/usr/lib/os-release", "ID=inside\n")
                .symlink("/etc/os-release", "/usr/lib/os-release")
                .symlink("/usr/sbin/iptables", "/etc/alternatives/iptables")
                .symlink("/etc/alternatives/iptables", "/usr/sbin/xtables-nft-multi")
                .binary("/usr/sbin/xtables-nft-multi");
        HostRoot host = HostRoot.at(h.root());
        assertEquals("ID=inside\n", host.read("/etc/os-release").content(),
                "the link's target is the fixture's /usr/lib/os-release, not this machine's");
        assertTrue(host.findBinary("iptables").isPresent());
        assertEquals(h.path("/usr/sbin/xtables-nft-multi"), host.path("/usr/sbin/iptables"));
        assertEquals(h.root() + "/etc/os-release", host.shown("/etc/os-release"));
    }

    @Test
    void symlinkLoopsEndInsteadOfSpinning() {
        FixtureHost h = FixtureHost.at(tmp.resolve("loop")).symlink("/etc/a", "/etc/b").symlink("/etc/b", "/etc/a");
        FileText t = HostRoot.at(h.root()).read("/etc/a");
        assertFalse(t.ok());
    }

    @Test
    void fifosAndDirectoriesAreUnreadableWithoutBlocking() {
        FixtureHost h = FixtureHost.at(tmp.resolve("odd")).fifo("/proc/modules").dir("/etc/os-release");
        HostRoot host = HostRoot.at(h.root());
        FileText fifo = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> host.read("/proc/modules"));
        assertEquals("not a regular file (a FIFO, socket or device)", fifo.problem());
        assertEquals("is a directory, not a file", host.read("/etc/os-release").problem());
        assertTrue(host.read("/nope").missing());
    }

    @Test
    void gzipProblemsAreNamed() {
        byte[] whole = FixtureHost.gzipped("CONFIG_X=y\n".repeat(1000));
        FixtureHost h = FixtureHost.at(tmp.resolve("gz")).bytes("/a.gz", whole)
                .bytes("/b.gz", java.util.Arrays.copyOf(whole, whole.length - 20))
                .file("/c.gz", "plain text\n");
        HostRoot host = HostRoot.at(h.root());
        assertEquals("CONFIG_X=y\n".repeat(1000), host.readGzip("/a.gz").content());
        assertTrue(host.readGzip("/b.gz").problem().startsWith("truncated gzip: "), host.readGzip("/b.gz").problem());
        assertTrue(host.readGzip("/c.gz").problem().startsWith("not valid gzip: "), host.readGzip("/c.gz").problem());
    }

    @Test
    void aFixtureIsNotLiveAndReadsCapturesInsteadOfRunningCommands() {
        FixtureHost h = FixtureHost.at(tmp.resolve("cap")).capture("nft-list-ruleset", "table inet f {\n}\n");
        HostRoot host = HostRoot.at(h.root());
        assertFalse(host.live());
        CommandOutput out = host.run("nft-list-ruleset", "nft", "list", "ruleset");
        assertTrue(out.ok());
        assertEquals("table inet f {\n}\n", out.stdout());
        CommandOutput none = host.run("iptables-legacy-save", "iptables-legacy-save");
        assertTrue(none.absent());
        assertEquals("no capture of 'iptables-legacy-save' at " + h.path("/var/lib/tabby-probe/iptables-legacy-save.txt"),
                none.problem());
    }

    @Test
    void aRootHoldingThisKernelsBootIdIsLive() throws Exception {
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"));
        FixtureHost h = FixtureHost.at(tmp.resolve("mounted")).file("/proc/sys/kernel/random/boot_id", bootId);
        assertTrue(HostRoot.at(h.root()).live());
        assertTrue(HostRoot.at(Path.of("/")).live());
        assertTrue(HostRoot.system().isSystemRoot());
    }

    @Test
    void liveCommandsRunAndMissingOnesAreAbsent() {
        HostRoot host = HostRoot.system();
        CommandOutput echo = host.run("unused", "echo", "hello");
        assertEquals("hello\n", echo.stdout());
        assertTrue(host.run("unused", "tabby-no-such-command-here").absent());
        CommandOutput failing = host.run("unused", "sh", "-c", "echo oops >&2; exit 3");
        assertEquals("exit 3: oops", failing.problem());
    }

    @Test
    void globs() {
        assertTrue(Glob.matches("cali*", "cali1234567890a"));
        assertTrue(Glob.matches("tunl[0-9]", "tunl0"));
        assertFalse(Glob.matches("tunl[!0-9]", "tunl0"));
        assertTrue(Glob.matches("vxlan?calico", "vxlan.calico"));
        assertTrue(Glob.matches("a\\*", "a*"));
        assertFalse(Glob.matches("a\\*", "ab"));
        assertTrue(Glob.simple("cali[0]", "cali[0]"), "NetworkManager's globs have no ranges");
        assertTrue(Glob.matches("*", ""));
        assertFalse(Glob.matches("?", ""));
    }

    @Test
    void aMountedLiveHostGivesFilesFromItsRootAndNetworkStateFromThisNamespace() throws Exception {
        // A container with the host's root at /host: the same kernel (boot id), other files, and the node's network
        // state is that of the namespace the probe runs in, not whatever /host/sys or /host/proc/net hold.
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"));
        FixtureHost h = FixtureHost.at(tmp.resolve("mounted")).file("/proc/sys/kernel/random/boot_id", bootId)
                .file("/etc/os-release", "ID=mounted\n").file("/proc/net/route", "not the node's routes\n")
                .file("/sys/class/net/hosteth9/mtu", "9000\n");

        HostRoot host = HostRoot.at(h.root());

        assertTrue(host.live());
        assertEquals("ID=mounted\n", host.read("/etc/os-release").content(), "files come from --host-root");
        assertEquals(HostRoot.system(), host.network());
        assertEquals(Files.readString(Path.of("/proc/net/route")), host.network().read("/proc/net/route").content());
        HostRoot fixture = HostRoot.at(tmp.resolve("plain-fixture"));
        assertEquals(fixture, fixture.network(), "a fixture keeps its own network files");
    }
}
