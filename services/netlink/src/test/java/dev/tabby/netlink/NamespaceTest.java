package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NamespaceTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    @Test
    void handlesSeeTheirOwnNamespaceAndNeverSwitchTheCaller() throws Exception {
        Path mine = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        TestNamespace a = netns.create();
        TestNamespace b = netns.create();
        Netlink na = a.netlink();
        Netlink nb = b.netlink();

        na.linkAdd(new Link.Bridge(LinkAttrs.named("only-in-a")));

        assertTrue(na.linkByName("only-in-a").isPresent());
        assertTrue(nb.linkByName("only-in-a").isEmpty());
        assertTrue(a.oracle().link("only-in-a").isPresent());
        assertEquals(mine, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")), "the caller's thread stayed home");
    }

    @Test
    void procPidPathWorksToo() throws Exception {
        TestNamespace ns = netns.create();
        ns.ip("link", "add", "name", "bypid0", "type", "bridge");
        // ip netns exec execs the command after setns, so the sleeper's pid is inside the namespace
        Process sleeper = new ProcessBuilder("ip", "netns", "exec", ns.name(), "sleep", "30").start();
        try {
            Path nsOfPid = Path.of("/proc/" + sleeper.pid() + "/ns/net");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.readSymbolicLink(nsOfPid).toString().equals(inode(ns.path())) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            try (Netlink nl = Netlink.at(nsOfPid)) {
                assertTrue(nl.linkByName("bypid0").isPresent());
            }
        } finally {
            sleeper.destroy();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@code net:[INODE]}, as /proc/PID/ns/net reads, for a bind-mounted namespace file. */
    private static String inode(Path nsFile) throws Exception {
        Object ino = Files.getAttribute(nsFile, "unix:ino");
        return "net:[" + ino + "]";
    }

    @Test
    void aMissingNamespaceIsAClearError() {
        NetlinkException e = assertThrows(NetlinkException.class, () -> Netlink.at(Path.of("/run/netns/tabby-t-missing")));
        assertEquals("ENOENT", e.errnoName());
        assertEquals("netns /run/netns/tabby-t-missing: ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void aClosedHandleSaysSo() {
        TestNamespace ns = netns.create();
        Netlink nl = Netlink.at(ns.path());
        nl.close();
        nl.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, nl::linkList);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
