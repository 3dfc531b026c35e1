package dev.tabby.bgp.transport;

import static dev.tabby.bgp.transport.SocketOptions.IPPROTO_IP;
import static dev.tabby.bgp.transport.SocketOptions.IPPROTO_IPV6;
import static dev.tabby.bgp.transport.SocketOptions.IPV6_MINHOPCOUNT;
import static dev.tabby.bgp.transport.SocketOptions.IPV6_UNICAST_HOPS;
import static dev.tabby.bgp.transport.SocketOptions.IP_MINTTL;
import static dev.tabby.bgp.transport.SocketOptions.IP_TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GTSM (RFC 5082) between real sockets on loopback, where nothing decrements the TTL: a segment arrives with the TTL
 * its sender set. A sender at the kernel's default TTL (64) is below a listener's minimum of 255 and its SYNs are
 * dropped; a sender at 255 gets through.
 */
class GtsmTest {
    @BeforeAll
    static void descriptorsReadable() {
        assertNull(NioFd.unavailableReason(), "surefire's argLine must carry " + NioFd.JVM_FLAG);
    }

    @Test
    void ipv4SocketReadsBackTtl255AndMinimum255ForOneHop() throws Exception {
        BgpSocketChannel ch = new BgpSocketChannel(StandardProtocolFamily.INET);
        try {
            Gtsm.apply(ch, 1);
            assertEquals(255, SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_TTL));
            assertEquals(255, SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_MINTTL));
            assertEquals(255, Gtsm.sendTtl(ch));
            assertEquals(255, Gtsm.minTtl(ch));

            Gtsm.apply(ch, 3);
            assertEquals(253, SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_MINTTL));

            Gtsm.clear(ch);
            assertEquals(defaultTtl(), SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_TTL));
            assertEquals(defaultTtl(), Gtsm.sendTtl(ch));
            assertEquals(0, SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_MINTTL));
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @Test
    void dualStackSocketGetsBothFamiliesOptions() throws Exception {
        BgpServerSocketChannel ch = new BgpServerSocketChannel();
        try {
            assertEquals(SocketOptions.AF_INET6, SocketOptions.family(ch.fd()));
            Gtsm.apply(ch, 1);
            assertEquals(255, SocketOptions.getInt(ch.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS));
            assertEquals(255, SocketOptions.getInt(ch.fd(), IPPROTO_IPV6, IPV6_MINHOPCOUNT));
            assertEquals(255, SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_TTL));
            assertEquals(255, SocketOptions.getInt(ch.fd(), IPPROTO_IP, IP_MINTTL));
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void gtsmOnBothEndsConnectsAndTheAcceptedSocketInheritsIt(String address) throws Exception {
        InetAddress addr = InetAddress.getByName(address);
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(addr, BgpServerSocketChannel::new);
            Gtsm.apply(server, 1);

            ChannelFuture f = net.connect(server, withGtsm(1));
            assertTrue(f.awaitUninterruptibly(10, TimeUnit.SECONDS) && f.isSuccess(), () -> "connect: " + f.cause());
            assertEquals("keepalive", Loopback.echo(f.channel(), "keepalive"));

            BgpSocketChannel child = net.accepted.get(0);
            int fd = child.eventLoop().submit(child::fd).get();
            int level = addr.getAddress().length == 4 ? IPPROTO_IP : IPPROTO_IPV6;
            assertEquals(255, SocketOptions.getInt(fd, level, level == IPPROTO_IP ? IP_MINTTL : IPV6_MINHOPCOUNT));
            assertEquals(255, SocketOptions.getInt(fd, level, level == IPPROTO_IP ? IP_TTL : IPV6_UNICAST_HOPS));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void clientAtDefaultTtlCannotReachAListenerRequiring255(String address) throws Exception {
        InetAddress addr = InetAddress.getByName(address);
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(addr, BgpServerSocketChannel::new);
            Gtsm.apply(server, 1);

            int[] clientTtl = new int[1];
            ChannelFuture f = net.connect(server, () -> {
                BgpSocketChannel ch = new BgpSocketChannel();
                try {
                    clientTtl[0] = Gtsm.sendTtl(ch);
                } catch (SocketOptionException e) {
                    ch.close();
                    throw new IllegalStateException(e.getMessage(), e);
                }
                return ch;
            });
            assertTrue(clientTtl[0] > 0 && clientTtl[0] < 255, "the client should send below TTL 255 by default, "
                    + "as Linux does (64): it sends at " + clientTtl[0]);
            assertTrue(f.awaitUninterruptibly(Loopback.CONNECT_TIMEOUT_MILLIS + 5_000L, TimeUnit.MILLISECONDS));
            assertFalse(f.isSuccess(), "a client at TTL 64 got past a minimum TTL of 255");
            assertInstanceOf(ConnectTimeoutException.class, f.cause(), "expected the SYNs dropped: " + f.cause());
            assertEquals(0, net.accepted.size());

            Gtsm.clear(server);
            ChannelFuture again = net.connect(server, BgpSocketChannel::new);
            assertTrue(again.awaitUninterruptibly(10, TimeUnit.SECONDS) && again.isSuccess(),
                    () -> "connect after clearing GTSM: " + again.cause());
        }
    }

    @Test
    void hopsOutsideOneTo254AreRefused() {
        BgpSocketChannel ch = new BgpSocketChannel();
        try {
            assertEquals("GTSM hops must be 1..254, not 0",
                    assertThrows(IllegalArgumentException.class, () -> Gtsm.apply(ch, 0)).getMessage());
            assertEquals("GTSM hops must be 1..254, not 255",
                    assertThrows(IllegalArgumentException.class, () -> Gtsm.apply(ch, 255)).getMessage());
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    private static Supplier<BgpSocketChannel> withGtsm(int hops) {
        return () -> {
            BgpSocketChannel ch = new BgpSocketChannel();
            try {
                Gtsm.apply(ch, hops);
            } catch (SocketOptionException e) {
                ch.close();
                throw new IllegalStateException(e.getMessage(), e);
            }
            return ch;
        };
    }

    /** What IP_TTL reads on a socket that never set it: net.ipv4.ip_default_ttl of the test's namespace. */
    private static int defaultTtl() throws Exception {
        // readAllLines, not readString: a /proc file reports size 0 and readString came back short
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_default_ttl")).get(0).trim());
    }
}
