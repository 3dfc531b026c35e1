package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.Nl;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dump abandoned half way (the kernel still has parts of it to send) is read away, so the next request on the same
 * handle works: else the kernel keeps the old dump open and answers the next one with EBUSY.
 */
class DumpDrainTest {
    /** Enough routes for a dump of many parts: the kernel sends at most about 32 KiB at a time. */
    private static final int ROUTES = 3_000;
    private static final int PROTOCOL = 99;

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private TestNamespace ns;

    @BeforeEach
    void manyRoutes() throws Exception {
        ns = netns.create();
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < ROUTES; i++) {
            script.append("route add blackhole 10.").append(100 + i / 256).append('.').append(i % 256)
                    .append(".0/24 proto ").append(PROTOCOL).append('\n');
        }
        Path batch = Files.createTempFile("tabby-routes-", ".ip");
        try {
            Files.writeString(batch, script);
            Cmd.run("ip", "-n", ns.name(), "-batch", batch.toString());
        } finally {
            Files.deleteIfExists(batch);
        }
    }

    private static RouteFilter ours() {
        return RouteFilter.protocolInTable(PROTOCOL, Route.MAIN_TABLE);
    }

    @Test
    void aDecoderThatThrowsOnTheFirstMessageLeavesTheHandleUsable() {
        AtomicReference<NetlinkSocket> socket = new AtomicReference<>();
        try (Netlink nl = Netlink.at(ns.path(), () -> {
            socket.set(NetlinkSocket.open(0, 0));
            return socket.get();
        })) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> socket.get().dump(
                    RouteCodec.dumpRequest(Nl.RTM_GETROUTE, Nl.F_DUMP, Family.INET), (type, payload) -> {
                        throw new IllegalStateException("decoder bug");
                    }));
            assertEquals("decoder bug", e.getMessage());

            assertEquals(ROUTES, nl.routeList(ours()).size(), "the next dump on the same socket");
            assertEquals(1, nl.linkList().size(), "lo, and nothing else");
        }
    }

    /**
     * The handle's socket is made to also receive link events into a receive buffer of the kernel's minimum size;
     * links made before the dump overflow it, so the dump's first read fails with ENOBUFS while the kernel still holds
     * the whole dump.
     */
    @Test
    void aDumpFailingWithEnobufsLeavesTheHandleUsable() throws Exception {
        try (Netlink nl = Netlink.at(ns.path(), () -> NetlinkSocket.open(EventGroup.LINK.bindMask(), 1))) {
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                script.append("link add name ob").append(i).append(" type bridge\n");
            }
            Path batch = Files.createTempFile("tabby-links-", ".ip");
            try {
                Files.writeString(batch, script);
                Cmd.run("ip", "-n", ns.name(), "-batch", batch.toString());
            } finally {
                Files.deleteIfExists(batch);
            }

            NetlinkException e = assertThrows(NetlinkException.class, () -> nl.routeList(ours()));
            assertEquals("ENOBUFS", e.errnoName());

            assertEquals(ROUTES, nl.routeList(ours()).size(), "the next dump on the same socket");
            assertEquals(51, nl.linkList().size(), "lo and the 50 bridges");
        }
    }
}
